// Command cometchatcalls is the SDK on the command line: log a user in and
// keep the session, see who is logged in, print an auth token or a call
// token, issue, list and revoke auth tokens and manage users with the REST
// API key, check a configuration (doctor), and run the emulator.
//
// Install it with
//
//	go install github.com/cometchat-go/cometchatcalls/cmd/cometchatcalls@latest
//
// and start with `cometchatcalls help`. Against the emulator, with nothing
// else to set up:
//
//	cometchatcalls emulator &
//	COMETCHAT_EMULATOR_URL=http://127.0.0.1:8787 cometchatcalls login -uid cometchat-uid-1
//
// Configuration comes from COMETCHAT_APP_ID, COMETCHAT_REGION,
// COMETCHAT_AUTH_KEY, COMETCHAT_API_KEY and COMETCHAT_EMULATOR_URL, or the
// global flags -app-id, -region and -emulator-url. A key or token is never
// a flag value, which would land in the shell's history and in ps: it comes
// from the environment or from stdin.
//
// Exit codes: 0 success, 1 failure, 2 usage error, 4 not logged in or
// credentials rejected, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
package main

import (
	"context"
	"os"
)

func main() {
	// Ctrl-C cancels the command's context instead of killing the process,
	// so a request in flight is abandoned and no session file is left
	// half-written.
	ctx, stop := notifyContext(context.Background())
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
