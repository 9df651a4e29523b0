package cometchatcalls_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func ExampleClient_GenerateCallToken() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	client, _ := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	defer client.Close()
	ctx := context.Background()

	_, err := client.GenerateCallToken(ctx, "team-standup")
	fmt.Println(errors.Is(err, cometchatcalls.ErrAuthTokenMissing)) // nobody logged in yet

	if _, err := client.Login(ctx, "cometchat-uid-1", srv.AuthKey()); err != nil {
		fmt.Println(err)
		return
	}
	ct, err := client.GenerateCallToken(ctx, "team-standup")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ct) // the token itself is ct.Token: hand it to the call client
	uid, session, _ := srv.CallTokenInfo(ct.Token)
	fmt.Println("issued for", uid, "to join", session)
	// Output:
	// true
	// CallToken{SessionID:"team-standup" Token:[REDACTED]}
	// issued for cometchat-uid-1 to join team-standup
}

func ExampleClient_GenerateCallTokenWithAuthToken() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	client, _ := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	defer client.Close()
	ctx := context.Background()

	// A backend holding a user's auth token, without logging in.
	authToken, _ := srv.IssueAuthToken("cometchat-uid-2")
	ct, err := client.GenerateCallTokenWithAuthToken(ctx, "support-call-7", authToken)
	if err != nil {
		fmt.Println(err)
		return
	}
	uid, session, _ := srv.CallTokenInfo(ct.Token)
	fmt.Println(uid, session, client.IsUserLoggedIn(ctx))
	// Output:
	// cometchat-uid-2 support-call-7 false
}
