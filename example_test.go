package cometchatcalls_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// The examples run against the in-process emulator; with a real app, pass
// your app ID, region and auth key, and no options.

func ExampleNew() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()

	client, err := cometchatcalls.New(srv.AppID(), "US", srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	fmt.Println(client.AppID(), client.Region())

	_, err = cometchatcalls.New("", "us")
	fmt.Println(err)
	// Output:
	// emulatorapp us
	// cometchatcalls: ERROR_EMPTY_APPID: App ID cannot be empty
}

func ExampleClient_Login() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	client, _ := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	defer client.Close()
	ctx := context.Background()

	user, err := client.GetLoggedInUser(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	if user == nil {
		user, err = client.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("logged in as %s (%s)\n", user.Name, user.UID)
	fmt.Println("logout:", client.Logout(ctx))
	// Output:
	// logged in as Andrew Joseph (cometchat-uid-1)
	// logout: <nil>
}

func ExampleClient_LoginAsync() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	client, _ := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	defer client.Close()

	done := client.LoginAsync(context.Background(), "cometchat-uid-2", srv.AuthKey(),
		func(user *cometchatcalls.User) { fmt.Println("Login successful:", user.UID) },
		func(e *cometchatcalls.Error) { fmt.Println("Login failed:", e.Message) },
	)
	<-done // closed once the callback has returned

	<-client.LoginAsync(context.Background(), "", srv.AuthKey(),
		func(user *cometchatcalls.User) { fmt.Println("Login successful:", user.UID) },
		func(e *cometchatcalls.Error) { fmt.Println("Login failed:", e.Code) },
	)
	// Output:
	// Login successful: cometchat-uid-2
	// Login failed: ERROR_INVALID_UID
}

func ExampleClient_LoginWithAuthToken() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	// In production your backend creates the token (see AdminClient).
	token, _ := srv.IssueAuthToken("cometchat-uid-3")

	client, _ := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	defer client.Close()
	user, err := client.LoginWithAuthToken(context.Background(), token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(user.Name)
	// Output: Nancy Grace
}

func ExampleError() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	client, _ := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	defer client.Close()
	ctx := context.Background()

	// Bad input never reaches the server.
	_, err := client.Login(ctx, "has space", srv.AuthKey())
	fmt.Println(errors.Is(err, cometchatcalls.ErrUIDWithSpace))

	// Server errors keep CometChat's own code and the HTTP status.
	_, err = client.Login(ctx, "no-such-user", srv.AuthKey())
	var e *cometchatcalls.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.HTTPStatus, errors.Is(err, cometchatcalls.ErrUIDNotFound))
	}

	// The server quotes the key it did not know; the SDK redacts it.
	_, err = client.Login(ctx, "cometchat-uid-1", "not-the-key")
	fmt.Println(err)
	// Output:
	// true
	// ERR_UID_NOT_FOUND 404 true
	// cometchatcalls: AUTH_ERR_APIKEY_NOT_FOUND: The auth key [REDACTED] does not exist for the app emulatorapp. Please make sure you are using a valid auth key. (HTTP 404)
}

func ExampleAdminClient() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	// With real CometChat: NewAdminClient(appID, region, restAPIKey).
	admin, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), srv.APIKey(), srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer admin.Close()

	_, err = admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "alice", Name: "Alice"})
	if err != nil && !errors.Is(err, cometchatcalls.ErrUIDAlreadyExists) {
		fmt.Println(err)
		return
	}
	tok, err := admin.CreateAuthToken(ctx, "alice", &cometchatcalls.CreateAuthTokenOptions{Force: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v\n", tok.UID)
	fmt.Println(strings.Contains(fmt.Sprint(tok), tok.Token)) // printing an AuthToken hides the token

	// The app (a Client) logs in with tok.Token.
	client, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	user, err := client.LoginWithAuthToken(ctx, tok.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("logged in as", user.Name)
	// Output:
	// alice
	// false
	// logged in as Alice
}
