// Command callbacks shows the callback side of the SDK: login listeners,
// which hear every login and logout of a Client, and the Async variants,
// which mirror the onSuccess/onError shape of CometChat's mobile SDKs.
//
//	go run ./examples/callbacks
//
// It uses the embedded emulator unless COMETCHAT_APP_ID, COMETCHAT_REGION
// and COMETCHAT_AUTH_KEY are set (your CometChat app) or
// COMETCHAT_EMULATOR_URL is (a running cmd/cometchat-emulator).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
)

func main() {
	os.Exit(exampleenv.Run(context.Background(), "callbacks", os.Stdout, os.Stderr, os.Getenv, exampleenv.VarAuthKey, run))
}

func run(ctx context.Context, out io.Writer, target *exampleenv.Target) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	client, err := cometchatcalls.New(target.AppID, target.Region, target.Options...)
	if err != nil {
		return err
	}
	defer client.Close()

	// Listeners run synchronously, before the call that caused the event
	// returns, so their output comes first.
	client.AddLoginListener("printer", cometchatcalls.LoginListener{
		OnLoginSuccess:  func(u *cometchatcalls.User) { fmt.Fprintln(out, "  listener: OnLoginSuccess", u.UID) },
		OnLoginFailure:  func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  listener: OnLoginFailure", e.Code) },
		OnLogoutSuccess: func() { fmt.Fprintln(out, "  listener: OnLogoutSuccess") },
		OnLogoutFailure: func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  listener: OnLogoutFailure", e.Code) },
	})
	defer client.RemoveLoginListener("printer")

	// Each Async call returns a channel that is closed once its callback
	// has returned; receiving from it waits for the call to finish.
	fmt.Fprintln(out, "LoginAsync(cometchat-uid-1):")
	<-client.LoginAsync(ctx, "cometchat-uid-1", target.AuthKey,
		func(u *cometchatcalls.User) { fmt.Fprintln(out, "  onSuccess:", u.Name) },
		func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  onError:", e.Code) })

	fmt.Fprintln(out, "LoginAsync(cometchat-uid-2), switching users:")
	<-client.LoginAsync(ctx, "cometchat-uid-2", target.AuthKey,
		func(u *cometchatcalls.User) { fmt.Fprintln(out, "  onSuccess:", u.Name) },
		func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  onError:", e.Code) })

	fmt.Fprintln(out, "LoginWithAuthTokenAsync(\"\"):")
	<-client.LoginWithAuthTokenAsync(ctx, "",
		func(u *cometchatcalls.User) { fmt.Fprintln(out, "  onSuccess:", u.Name) },
		func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  onError:", e.Code, "-", e.Message) })

	fmt.Fprintln(out, "GetLoggedInUserAsync:")
	<-client.GetLoggedInUserAsync(ctx,
		func(u *cometchatcalls.User) { fmt.Fprintln(out, "  onSuccess:", u.UID) },
		func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  onError:", e.Code) })

	fmt.Fprintln(out, "LogoutAsync:")
	<-client.LogoutAsync(ctx,
		func(msg string) { fmt.Fprintln(out, "  onSuccess:", msg) },
		func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  onError:", e.Code) })

	fmt.Fprintln(out, "LogoutAsync again:")
	<-client.LogoutAsync(ctx,
		func(msg string) { fmt.Fprintln(out, "  onSuccess:", msg) },
		func(e *cometchatcalls.Error) { fmt.Fprintln(out, "  onError:", e.Code) })
	return nil
}
