// Command session keeps a user logged in across runs with a FileStore.
//
//	go run ./examples/session            # first run: logs in, saves the session
//	go run ./examples/session            # second run: finds the user, no login
//	go run ./examples/session -logout    # ends the session
//
// On the second run it also asks the server whether the stored token is
// still valid (ValidateSession): it is, until someone revokes it, and then
// the SDK ends the session and the example logs in again.
//
// Files it writes, in the directory of -store (by default
// cometchatcalls-example under the user's cache directory, ~/.cache on
// Linux; see exampleenv.FileDir): the session file (session.json) and
// its lock file (session.json.lock); with the embedded emulator also
// emulator-state.json, where the emulator keeps its users and auth tokens
// so that the next run's emulator still knows the stored token. Against
// real CometChat (COMETCHAT_APP_ID, COMETCHAT_REGION, COMETCHAT_AUTH_KEY)
// or a running emulator (COMETCHAT_EMULATOR_URL) the server keeps that
// state itself and no emulator-state.json is written.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("session", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storePath := fs.String("store", filepath.Join(exampleenv.FileDir("cometchatcalls-example"), "session.json"), "the session file")
	uid := fs.String("uid", "cometchat-uid-1", "the uid to log in as")
	logout := fs.Bool("logout", false, "end the stored session")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	stateFile := filepath.Join(filepath.Dir(*storePath), "emulator-state.json")
	return exampleenv.RunWithState(ctx, "session", stdout, stderr, getenv, exampleenv.VarAuthKey, stateFile,
		func(ctx context.Context, out io.Writer, target *exampleenv.Target) error {
			return session(ctx, out, target, *storePath, *uid, *logout)
		})
}

func session(ctx context.Context, out io.Writer, target *exampleenv.Target, storePath, uid string, logout bool) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	client, err := cometchatcalls.New(target.AppID, target.Region,
		append(target.Options, cometchatcalls.WithSessionStore(cometchatcalls.NewFileStore(storePath)))...)
	if err != nil {
		return err
	}
	defer client.Close()
	if logout {
		return endSession(ctx, out, client)
	}
	return ensureLoggedIn(ctx, out, client, uid, target.AuthKey, storePath)
}

func ensureLoggedIn(ctx context.Context, out io.Writer, client *cometchatcalls.Client, uid, authKey, path string) error {
	user, err := client.GetLoggedInUser(ctx) // reads the file; no request
	if err != nil {
		return err
	}
	if user != nil {
		fmt.Fprintf(out, "Found a stored session for %s (%s): no login needed\n", user.Name, user.UID)
		_, err = client.ValidateSession(ctx)
		switch {
		case err == nil:
			fmt.Fprintln(out, "The server confirms the session is valid")
			return nil
		case errors.Is(err, cometchatcalls.ErrAuthTokenNotFound):
			fmt.Fprintln(out, "The server no longer knows the stored token: the SDK ended the session")
		default:
			return err
		}
	}
	user, err = client.Login(ctx, uid, authKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Logged in as %s (%s); session saved to %s\n", user.Name, user.UID, path)
	fmt.Fprintln(out, "Run again: the next run finds the user without logging in")
	return nil
}

func endSession(ctx context.Context, out io.Writer, client *cometchatcalls.Client) error {
	err := client.Logout(ctx)
	switch {
	case errors.Is(err, cometchatcalls.ErrNoUserLoggedIn):
		fmt.Fprintln(out, "Nobody is logged in")
		return nil
	case errors.Is(err, cometchatcalls.ErrLogoutFail):
		// The local session is gone; only the server did not confirm.
		fmt.Fprintln(out, "Logged out locally; the server did not confirm:", errors.Unwrap(err))
		return nil
	case err != nil:
		return err
	}
	fmt.Fprintln(out, "Logged out; the stored session is gone")
	return nil
}
