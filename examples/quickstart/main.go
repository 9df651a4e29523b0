// Command quickstart walks the flow of CometChat's Calls SDK authentication
// guide, printing each step:
//
//  1. check whether a user is logged in (nobody yet; a corrupt session
//     file is reported with a warning, and logging in replaces it),
//  2. log in with a uid and the auth key (development),
//  3. read the logged-in user back,
//  4. log out,
//  5. log in with an auth token issued server-side (production),
//  6. the same calls in callback form,
//  7. a bad input, reported with its error code,
//  8. a call token to join a call session (the step after login).
//
// Run it with no setup at all; it uses the embedded CometChat emulator:
//
//	go run ./examples/quickstart
//
// or against your app with COMETCHAT_APP_ID, COMETCHAT_REGION and
// COMETCHAT_AUTH_KEY set, or against a running emulator with
// COMETCHAT_EMULATOR_URL set.
//
// The session is kept in a FileStore, cometchatcalls-quickstart/session.json
// under the user's cache directory (~/.cache on Linux, see
// exampleenv.FileDir), with its lock file session.json.lock beside it; a
// corrupt file is moved aside to session.json.corrupt-<unix time> by the
// login that replaces it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
)

func main() {
	os.Exit(exampleenv.Run(context.Background(), "quickstart", os.Stdout, os.Stderr, os.Getenv, exampleenv.VarAuthKey, run))
}

const uid = "cometchat-uid-1"

// sessionFile is where the quickstart keeps the session; tests change it.
var sessionFile = filepath.Join(exampleenv.FileDir("cometchatcalls-quickstart"), "session.json")

func run(ctx context.Context, out io.Writer, target *exampleenv.Target) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	store := cometchatcalls.NewFileStore(sessionFile)
	opts := append([]cometchatcalls.Option{cometchatcalls.WithSessionStore(store)}, target.Options...)
	client, err := cometchatcalls.New(target.AppID, target.Region, opts...)
	if err != nil {
		return err
	}
	defer client.Close()

	// 1. Check the login status before logging in. A session file that
	// cannot be read (corrupt, or written by something else) is no reason
	// to stop: warn and log in, which moves the bad file aside.
	user, err := client.GetLoggedInUser(ctx)
	switch {
	case errors.Is(err, cometchatcalls.ErrSessionStore):
		fmt.Fprintln(out, "1. GetLoggedInUser: warning: the stored session cannot be read; logging in replaces it:", err)
	case err != nil:
		return err
	case user == nil:
		fmt.Fprintln(out, "1. GetLoggedInUser: nobody is logged in")
	default:
		fmt.Fprintln(out, "1. GetLoggedInUser: already logged in as", user.UID)
	}

	// 2. Log in with a uid and the auth key (development only).
	user, err = client.Login(ctx, uid, target.AuthKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "2. Login: logged in as %s (%s)\n", user.Name, user.UID)

	// 3. The SDK keeps the session: reading it sends no request.
	user, err = client.GetLoggedInUser(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "3. GetLoggedInUser: %s, status %s\n", user.Name, user.Status)

	// 4. Log out.
	if err := client.Logout(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "4. Logout: done")

	// 5. Production: your backend creates an auth token, the app logs in
	// with it. The auth key may create tokens; a backend would use its
	// REST API key (see examples/backend).
	token, err := issueToken(ctx, target, "cometchat-uid-2")
	if err != nil {
		return err
	}
	user, err = client.LoginWithAuthToken(ctx, token)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "5. LoginWithAuthToken: logged in as %s (%s)\n", user.Name, user.UID)
	if err := client.Logout(ctx); err != nil {
		return err
	}

	// 6. The callback forms, as in the Flutter guide.
	if err := callbacks(ctx, out, client, target.AuthKey); err != nil {
		return err
	}

	// 7. Bad input is refused before any request, with a CometChat code.
	_, err = client.Login(ctx, "user with spaces", target.AuthKey)
	var e *cometchatcalls.Error
	if !errors.As(err, &e) || !errors.Is(err, cometchatcalls.ErrUIDWithSpace) {
		return fmt.Errorf("expected ERROR_UID_WITH_SPACE, got %v", err)
	}
	fmt.Fprintf(out, "7. Login(\"user with spaces\"): error %s: %s\n", e.Code, e.Message)

	// 8. Joining a call: the logged-in session turns into a call token for
	// one call session, which the call client (web, mobile) joins with. It
	// is a credential: fmt prints it as [REDACTED].
	if _, err := client.Login(ctx, uid, target.AuthKey); err != nil {
		return err
	}
	callToken, err := client.GenerateCallToken(ctx, callSessionID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "8. GenerateCallToken: %v\n", callToken)
	return client.Logout(ctx)
}

// callSessionID names the call session to join; your app chooses it (a
// meeting ID, a conversation ID…) and shares it with the other participants.
const callSessionID = "quickstart-call"

// issueToken creates an auth token for uid, as a backend would.
func issueToken(ctx context.Context, target *exampleenv.Target, uid string) (string, error) {
	admin, err := cometchatcalls.NewAdminClient(target.AppID, target.Region, target.AuthKey, target.Options...)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	tok, err := admin.CreateAuthToken(ctx, uid, nil)
	if err != nil {
		return "", err
	}
	return tok.Token, nil
}

func callbacks(ctx context.Context, out io.Writer, client *cometchatcalls.Client, authKey string) error {
	var failure *cometchatcalls.Error
	onError := func(e *cometchatcalls.Error) { failure = e }

	<-client.LoginAsync(ctx, uid, authKey,
		func(u *cometchatcalls.User) { fmt.Fprintln(out, "6. LoginAsync: onSuccess:", u.UID) },
		onError)
	<-client.GetLoggedInUserAsync(ctx,
		func(u *cometchatcalls.User) { fmt.Fprintln(out, "6. GetLoggedInUserAsync: onSuccess:", u.Name) },
		onError)
	<-client.LogoutAsync(ctx,
		func(msg string) { fmt.Fprintln(out, "6. LogoutAsync: onSuccess:", msg) },
		onError)
	if failure != nil {
		return failure
	}
	return nil
}
