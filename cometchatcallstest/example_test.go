package cometchatcallstest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// An SDK client logs in and out against the emulator; the request log shows
// what went over the wire, credentials masked.
func ExampleNewServer() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()

	c, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	if err != nil {
		panic(err)
	}
	defer c.Close()

	ctx := context.Background()
	user, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	if err != nil {
		panic(err)
	}
	fmt.Println(user.Name, user.Status)
	if err := c.Logout(ctx); err != nil {
		panic(err)
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Credential)
	}
	// Output:
	// Andrew Joseph online
	// POST /admin/v3.0/users/cometchat-uid-1/auth_tokens auth-key
	// PUT /client/v3.0/me auth-token
	// DELETE /client/v3.0/me auth-token
}

// FailNext makes the next requests meet a fault: here a login (retries off)
// gets a proxy's HTML page instead of an answer from CometChat.
func ExampleServer_FailNext() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(), append(srv.ClientOptions(), cometchatcalls.WithRetries(0))...)
	if err != nil {
		panic(err)
	}
	defer c.Close()

	srv.FailNext(1, cometchatcallstest.FaultHTML502())
	_, err = c.Login(context.Background(), "cometchat-uid-1", srv.AuthKey())
	var e *cometchatcalls.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.HTTPStatus)
	}
	// Output:
	// ERROR_SERVER_UNAVAILABLE 502
}
