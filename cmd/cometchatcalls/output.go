package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/cometchat-go/cometchatcalls"
)

// usageError is a command line the tool cannot run: exit code 2.
type usageError struct {
	cmd string // the command whose usage to point at, or ""
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// codeUsage is the code of a usage error in -json output.
const codeUsage = "ERROR_USAGE"

// authCodes are the codes that mean "not logged in" or "credentials
// rejected": exit code 4, so that a script can tell them from an outage.
var authCodes = map[string]bool{
	cometchatcalls.CodeNoUserLoggedIn:    true,
	cometchatcalls.CodeAuthTokenMissing:  true,
	cometchatcalls.CodeAPIKeyInvalid:     true,
	cometchatcalls.CodeAPIKeyNotFound:    true,
	cometchatcalls.CodeAuthTokenNotFound: true,
	cometchatcalls.CodeNoAccess:          true,
}

// exitCode is the exit code for err.
func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	var e *cometchatcalls.Error
	if errors.As(err, &e) && authCodes[e.Code] {
		return exitAuth
	}
	return exitFailure
}

// errorJSON is an error as -json prints it on stderr (and doctor in its
// results).
type errorJSON struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Retryable bool   `json:"retryable"`
	Advice    string `json:"advice,omitempty"`
}

// toErrorJSON escapes code and message as text output does (clean): JSON
// escapes control characters but not those that reorder or hide text
// (U+202E), and -json output is read on terminals too.
func toErrorJSON(err error) *errorJSON {
	var ue *usageError
	var e *cometchatcalls.Error
	switch {
	case errors.As(err, &ue):
		return &errorJSON{Code: codeUsage, Message: clean(ue.msg)}
	case errors.As(err, &e):
		return &errorJSON{Code: clean(e.Code), Message: clean(e.Message), Retryable: e.Retryable(), Advice: advice(e.Code)}
	}
	if errors.Is(err, errDoctorFailed) {
		return &errorJSON{Code: "ERROR_CHECKS_FAILED", Message: clean(err.Error())}
	}
	return &errorJSON{Code: "ERROR_CLI", Message: clean(err.Error())}
}

// fail reports err on stderr and returns the exit code. When ctx, the
// run's own context, has ended, the user pressed Ctrl-C (or the process
// got SIGTERM): whatever the command was doing failed because of that, so
// the report says so and the code is 130 (143 for SIGTERM).
func (c *cli) fail(ctx context.Context, err error) int {
	var ue *usageError
	if ctx.Err() != nil && !errors.As(err, &ue) {
		if c.g.json {
			writeJSON(c.stderr, map[string]any{"error": errorJSON{Code: "ERROR_INTERRUPTED", Message: "interrupted"}})
		} else {
			fmt.Fprintln(c.stderr, "cometchatcalls: interrupted")
		}
		return interruptedCode(ctx)
	}
	if c.g.json {
		writeJSON(c.stderr, map[string]any{"error": toErrorJSON(err)})
		return exitCode(err)
	}
	var e *cometchatcalls.Error
	switch {
	case errors.As(err, &ue):
		prefix := "cometchatcalls: "
		if ue.cmd != "" {
			prefix = "cometchatcalls " + ue.cmd + ": "
		}
		fmt.Fprintln(c.stderr, prefix+clean(ue.msg))
		fmt.Fprintln(c.stderr, strings.TrimSpace("Run 'cometchatcalls help "+ue.cmd)+"' for usage.")
	case errors.As(err, &e):
		fmt.Fprintln(c.stderr, e.Error()) // Error escapes control characters
		if a := advice(e.Code); a != "" {
			fmt.Fprintln(c.stderr, "  what to do: "+a)
		}
	default:
		fmt.Fprintln(c.stderr, "cometchatcalls: "+clean(err.Error()))
	}
	return exitCode(err)
}

// out writes a command's result: v as JSON with -json, else text.
func (c *cli) out(v any, text func(w io.Writer)) error {
	if c.g.json {
		return writeJSON(c.stdout, v)
	}
	text(c.stdout)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// clean makes text from a server (a user's name) safe to print on a
// terminal: control characters, line separators and bidirectional
// overrides are escaped, so that a name cannot forge output lines or move
// the cursor.
func clean(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || r == unicode.ReplacementChar ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f
}

// userLine is how a user reads in text output: "Name (uid)".
func userLine(u *cometchatcalls.User) string {
	if u.Name == "" {
		return clean(u.UID)
	}
	return clean(u.Name) + " (" + clean(u.UID) + ")"
}

// advice is the error guide's "what to do" for a code, in the words of
// this tool (README, "Errors: what happened and what to do").
func advice(code string) string {
	switch code {
	case cometchatcalls.CodeAPIKeyNotFound:
		return "set COMETCHAT_AUTH_KEY (login -uid) or COMETCHAT_API_KEY (token, user), or pipe the key to " +
			"-auth-key-stdin or -api-key-stdin; your app's keys are on its dashboard, under API & Auth Keys."
	case cometchatcalls.CodeAPIKeyInvalid:
		return "CometChat does not know this key for this app: check that the key, the app ID and the region belong together."
	case cometchatcalls.CodeNoAccess:
		return "the auth key may only create users and auth tokens: set COMETCHAT_API_KEY to the app's REST API key."
	case cometchatcalls.CodeInvalidUID, cometchatcalls.CodeUIDWithSpace:
		return "a uid is 1 to 100 characters from A-Z a-z 0-9 _ -, without spaces. Nothing was sent."
	case cometchatcalls.CodeUIDNotFound:
		return "create the user first: cometchatcalls user create UID -name NAME."
	case cometchatcalls.CodeUIDAlreadyExists:
		return "the user exists already: cometchatcalls user get UID."
	case cometchatcalls.CodeInvalidAppID, cometchatcalls.CodeEmptyAppID:
		return "check the app ID and its region (COMETCHAT_APP_ID, COMETCHAT_REGION)."
	case cometchatcalls.CodeInvalidRegion:
		return "the region is us, eu or in (COMETCHAT_REGION or -region)."
	case cometchatcalls.CodeAuthTokenNotFound:
		return "the auth token was revoked or its user deleted: log in again, or use a fresh token."
	case cometchatcalls.CodeRESTTokenNotFound:
		return "this user has no such token: cometchatcalls token list UID."
	case cometchatcalls.CodeNoUserLoggedIn, cometchatcalls.CodeAuthTokenMissing:
		return "log in first: cometchatcalls login -uid UID (or login -with-token)."
	case cometchatcalls.CodeBlankAuthToken, cometchatcalls.CodeAuthTokenWithSpace:
		return "pipe the token on stdin, e.g. cometchatcalls login -with-token < token.txt."
	case cometchatcalls.CodeTooManyRequests:
		return "rate limited: wait, then try again."
	case cometchatcalls.CodeNetwork:
		return "no answer: check the network, the region or -emulator-url, then try again later (-timeout bounds the wait)."
	case cometchatcalls.CodeServerUnavailable:
		return "CometChat or a proxy in front of it is down for a moment: try again later."
	case cometchatcalls.CodeInvalidResponse:
		return "something between you and CometChat rewrote the answer: check -emulator-url and proxies."
	case cometchatcalls.CodeSessionStore:
		return "the session file cannot be used: check its permissions, or log in again (a corrupt file is moved aside)."
	case cometchatcalls.CodeLogoutFail:
		return "the local session has ended, but the server did not confirm: the token may still be valid " +
			"(cometchatcalls token revoke -all UID ends them all)."
	}
	return ""
}
