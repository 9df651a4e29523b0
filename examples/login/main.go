// Command login logs a user in with a uid and the app's auth key, prints
// the user and logs out.
//
//	go run ./examples/login [-uid cometchat-uid-1]
//
// With COMETCHAT_APP_ID, COMETCHAT_REGION and COMETCHAT_AUTH_KEY set it uses
// your CometChat app; with COMETCHAT_EMULATOR_URL set, a running
// cmd/cometchat-emulator; with none of them set, the embedded emulator.
// Some but not all of the first three set is an error (exit code 2).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	uid := fs.String("uid", "cometchat-uid-1", "the uid to log in as")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return exampleenv.Run(ctx, "login", stdout, stderr, getenv, exampleenv.VarAuthKey,
		func(ctx context.Context, out io.Writer, target *exampleenv.Target) error {
			return login(ctx, out, target, *uid)
		})
}

func login(ctx context.Context, out io.Writer, target *exampleenv.Target, uid string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	client, err := cometchatcalls.New(target.AppID, target.Region, target.Options...)
	if err != nil {
		return err
	}
	defer client.Close()

	user, err := client.Login(ctx, uid, target.AuthKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Logged in as %s (uid %s, status %s)\n", user.Name, user.UID, user.Status)

	if err := client.Logout(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "Logged out")
	return nil
}
