// Package exampleenv decides where the examples run, from environment
// variables:
//
//   - COMETCHAT_EMULATOR_URL set: a running emulator (go run
//     ./cmd/cometchat-emulator), at that base URL, with the emulator's
//     default credentials unless COMETCHAT_APP_ID, COMETCHAT_REGION,
//     COMETCHAT_AUTH_KEY or COMETCHAT_API_KEY say otherwise (as its -app-id,
//     -region, -auth-key and -api-key flags do). The URL is http:// to a
//     loopback host, or https:// with a certificate the system trusts (the
//     emulator's -tls certificate is not trusted by default);
//   - else COMETCHAT_APP_ID, COMETCHAT_REGION and the keys an example needs
//     set: real CometChat;
//   - none of them set: a fresh emulator embedded in the process (package
//     cometchatcallstest), so that every example works on a fresh machine
//     with no account and no network.
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
	// VarEmulatorURL is the base URL of a running cmd/cometchat-emulator,
	// e.g. http://127.0.0.1:8787 (its admin URL without "/admin/v3.0").
	VarEmulatorURL = "COMETCHAT_EMULATOR_URL"
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
	Options []cometchatcalls.Option
	// Emulated is true for an emulator, embedded or running.
	Emulated bool

	server *cometchatcallstest.Server // the embedded emulator, or nil
}

// MissingError says which variables a partly configured environment lacks.
type MissingError struct{ Vars []string }

// Error names the missing variables and says how to fix them.
func (e *MissingError) Error() string {
	return "missing environment variables: " + strings.Join(e.Vars, ", ") +
		" (set all of them to use your CometChat app, " + VarEmulatorURL +
		" to use a running emulator, or none to use the embedded emulator)"
}

// FromEnv returns the target the variables describe (see the package
// documentation); need names the keys an example needs from real CometChat
// besides VarAppID and VarRegion. Some but not all of those set is a
// *MissingError. It tells out which target it chose.
func FromEnv(out io.Writer, getenv func(string) string, need ...string) (*Target, error) {
	return FromEnvWithState(out, getenv, "", need...)
}

// FromEnvWithState is FromEnv whose embedded emulator keeps its users and
// auth tokens in stateFile across runs (cometchatcallstest.WithStateFile);
// Close saves them. An empty stateFile keeps nothing. A running emulator
// or real CometChat keeps its own state.
func FromEnvWithState(out io.Writer, getenv func(string) string, stateFile string, need ...string) (*Target, error) {
	if base := getenv(VarEmulatorURL); base != "" {
		t := running(base, getenv)
		fmt.Fprintf(out, "%s is set: using the CometChat emulator at %s (app %s)\n", VarEmulatorURL, base, t.AppID)
		return t, nil
	}
	anySet := false
	for _, v := range []string{VarAppID, VarRegion, VarAuthKey, VarAPIKey} {
		if getenv(v) != "" {
			anySet = true
		}
	}
	if !anySet {
		t, err := embedded(stateFile)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(out, "No COMETCHAT_* variables set: using the embedded CometChat emulator at", t.server.URL())
		if stateFile != "" {
			fmt.Fprintln(out, "The emulator keeps its users and auth tokens in", stateFile)
		}
		return t, nil
	}
	var missing []string
	for _, v := range append([]string{VarAppID, VarRegion}, need...) {
		if v != "" && getenv(v) == "" {
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

// running describes the emulator at base: its default credentials unless
// a variable overrides one.
func running(base string, getenv func(string) string) *Target {
	or := func(v, def string) string {
		if s := getenv(v); s != "" {
			return s
		}
		return def
	}
	return &Target{
		AppID:    or(VarAppID, cometchatcallstest.DefaultAppID),
		Region:   or(VarRegion, cometchatcallstest.DefaultRegion),
		AuthKey:  or(VarAuthKey, cometchatcallstest.DefaultAuthKey),
		APIKey:   or(VarAPIKey, cometchatcallstest.DefaultAPIKey),
		Options:  []cometchatcalls.Option{cometchatcalls.WithBaseURL(base)},
		Emulated: true,
	}
}

// Emulated starts a fresh emulator and returns it as a Target (what FromEnv
// does when no variable is set, without saying so). Close stops it.
func Emulated() *Target {
	t, err := embedded("")
	if err != nil {
		panic(err) // only a full loopback interface gets here, as with httptest
	}
	return t
}

func embedded(stateFile string) (*Target, error) {
	var opts []cometchatcallstest.ServerOption
	if stateFile != "" {
		opts = append(opts, cometchatcallstest.WithStateFile(stateFile))
	}
	srv, err := cometchatcallstest.Start(opts...)
	if err != nil {
		return nil, err
	}
	return &Target{
		AppID: srv.AppID(), Region: srv.Region(), AuthKey: srv.AuthKey(), APIKey: srv.APIKey(),
		Options: srv.ClientOptions(), Emulated: true, server: srv,
	}, nil
}

// String describes t by its app, region and kind, never its keys, so that
// printing a Target with fmt (any verb, %+v included) cannot leak them. The
// receiver is a value so that a Target value prints the same as a pointer.
func (t Target) String() string {
	return fmt.Sprintf("exampleenv.Target{AppID:%q Region:%q Emulated:%t}", t.AppID, t.Region, t.Emulated)
}

// GoString is String, so %#v shows no more.
func (t Target) GoString() string { return t.String() }

// Server returns the embedded emulator, or nil for a running emulator or
// real CometChat.
func (t *Target) Server() *cometchatcallstest.Server { return t.server }

// Close stops the embedded emulator, if one was started, after saving its
// state when it has a state file; it returns the error of that save.
func (t *Target) Close() error {
	if t.server == nil {
		return nil
	}
	err := t.server.SaveState()
	t.server.Close()
	return err
}

// Run finds the target (see FromEnv), runs body against it, stops the
// emulator and returns the exit code: 0 on success, 1 when body fails, 2
// when the environment is partly set. Errors go to stderr, prefixed with
// the example's name.
func Run(ctx context.Context, name string, stdout, stderr io.Writer, getenv func(string) string,
	need string, body func(ctx context.Context, out io.Writer, target *Target) error) int {
	return RunWithState(ctx, name, stdout, stderr, getenv, need, "", body)
}

// RunWithState is Run whose embedded emulator keeps its state in stateFile
// (see FromEnvWithState).
func RunWithState(ctx context.Context, name string, stdout, stderr io.Writer, getenv func(string) string,
	need, stateFile string, body func(ctx context.Context, out io.Writer, target *Target) error) int {
	target, err := FromEnvWithState(stdout, getenv, stateFile, need)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		var missing *MissingError
		if errors.As(err, &missing) {
			return 2
		}
		return 1
	}
	err = body(ctx, stdout, target)
	if cerr := target.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}
