// Package exampleenv decides where the examples run: against real CometChat
// when COMETCHAT_* variables are set, or against the embedded emulator
// (package cometchatcallstest) when none is, so that every example works on
// a fresh machine with no account and no network.
package exampleenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// Environment variables the examples read. The library itself reads none.
const (
	VarAppID   = "COMETCHAT_APP_ID"
	VarRegion  = "COMETCHAT_REGION"
	VarAuthKey = "COMETCHAT_AUTH_KEY"
	VarAPIKey  = "COMETCHAT_API_KEY"
)

// Target is a CometChat app to talk to, real or emulated. Its keys are
// credentials: examples pass them to the SDK and never print them.
type Target struct {
	AppID   string
	Region  string
	AuthKey string // for Login; empty when not needed
	APIKey  string // REST API key for AdminClient; empty when not needed
	// Options point a Client or AdminClient at the target (empty for real
	// CometChat, whose default hosts the SDK knows).
	Options  []cometchatcalls.Option
	Emulated bool

	server *cometchatcallstest.Server
}

// MissingError says which variables a partly configured environment lacks.
type MissingError struct{ Vars []string }

// Error names the missing variables and says how to fix them.
func (e *MissingError) Error() string {
	return "missing environment variables: " + strings.Join(e.Vars, ", ") +
		" (set all of them to use your CometChat app, or none to use the embedded emulator)"
}

// FromEnv returns the real app described by the variables named in need
// (plus VarAppID and VarRegion), or, when none of the COMETCHAT_* variables
// is set, a fresh emulator. Some but not all set is a *MissingError. It
// tells out which one it chose.
func FromEnv(out io.Writer, getenv func(string) string, need ...string) (*Target, error) {
	vars := append([]string{VarAppID, VarRegion}, need...)
	var missing []string
	anySet := false
	for _, v := range []string{VarAppID, VarRegion, VarAuthKey, VarAPIKey} {
		if getenv(v) != "" {
			anySet = true
		}
	}
	if !anySet {
		t := Emulated()
		fmt.Fprintln(out, "No COMETCHAT_* variables set: using the embedded CometChat emulator at", t.server.URL())
		return t, nil
	}
	for _, v := range vars {
		if getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if missing != nil {
		return nil, &MissingError{Vars: missing}
	}
	fmt.Fprintf(out, "Using CometChat app %s in region %s\n", getenv(VarAppID), getenv(VarRegion))
	return &Target{
		AppID: getenv(VarAppID), Region: getenv(VarRegion),
		AuthKey: getenv(VarAuthKey), APIKey: getenv(VarAPIKey),
	}, nil
}

// Emulated starts a fresh emulator and returns it as a Target (what FromEnv
// does when no variable is set, without saying so). Close stops it.
func Emulated() *Target {
	srv := cometchatcallstest.NewServer()
	return &Target{
		AppID: srv.AppID(), Region: srv.Region(), AuthKey: srv.AuthKey(), APIKey: srv.APIKey(),
		Options: srv.ClientOptions(), Emulated: true, server: srv,
	}
}

// Server returns the emulator, or nil for real CometChat.
func (t *Target) Server() *cometchatcallstest.Server { return t.server }

// Close stops the emulator, if one was started.
func (t *Target) Close() {
	if t.server != nil {
		t.server.Close()
	}
}

// Run finds the target (see FromEnv), runs body against it, stops the
// emulator and returns the exit code: 0 on success, 1 when body fails, 2
// when the environment is partly set. Errors go to stderr, prefixed with
// the example's name.
func Run(ctx context.Context, name string, stdout, stderr io.Writer, getenv func(string) string,
	need string, body func(ctx context.Context, out io.Writer, target *Target) error) int {
	target, err := FromEnv(stdout, getenv, need)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		var missing *MissingError
		if errors.As(err, &missing) {
			return 2
		}
		return 1
	}
	defer target.Close()
	if err := body(ctx, stdout, target); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}
