package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// checkResult is one line of doctor's report.
type checkResult struct {
	Check  string     `json:"check"`
	OK     bool       `json:"ok"`
	Detail string     `json:"detail,omitempty"`
	Error  *errorJSON `json:"error"`
}

func doctorCommand() *command {
	return &command{
		name:    "doctor",
		args:    "",
		summary: "check the configuration: hosts, app ID, keys, session file",
		details: `
One line per check, ✓ or ✗, with what to do about a failure:
  - each host (admin, client, calls) resolves and answers, over verified TLS
    for https (an emulator's http URL answers without TLS);
  - CometChat knows the app ID in that region;
  - the REST API key is valid (when COMETCHAT_API_KEY is set);
  - the auth key is valid (when COMETCHAT_AUTH_KEY is set);
  - the session file, when there is one, is readable and private (0600).
Exit code 0 only when every check that ran passed. Nothing is changed: the
auth key check asks for a token of a user that does not exist.
With -json, [{"check":…,"ok":…,"detail":…,"error":…}].`,
		examples: []string{
			"COMETCHAT_APP_ID=… COMETCHAT_REGION=eu COMETCHAT_API_KEY=… cometchatcalls doctor",
			"COMETCHAT_EMULATOR_URL=http://127.0.0.1:8787 cometchatcalls doctor -json",
		},
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *cli, _ []string) error {
				cfg, err := c.config()
				if err != nil {
					return err
				}
				results, err := doctor(ctx, c, cfg)
				if err != nil {
					return err
				}
				if err := c.out(results, func(w io.Writer) { printChecks(w, results) }); err != nil {
					return err
				}
				for _, r := range results {
					if !r.OK {
						return errDoctorFailed
					}
				}
				return nil
			}
		},
	}
}

// errDoctorFailed makes doctor exit 1 after its report, which said why.
var errDoctorFailed = errors.New("some checks failed")

// doctor runs the checks that its configuration allows: the local one
// first, then the network ones in the order they are reported, each with an equal share of the time
// left, so that a host that never answers cannot spend the others' time.
func doctor(ctx context.Context, c *cli, cfg *config) ([]checkResult, error) {
	// A client without a session store: the checks must not touch the
	// session, and the probes must not be retried into the timeout.
	opts := append(cfg.opts[:len(cfg.opts):len(cfg.opts)], cometchatcalls.WithRetries(0))
	cl, err := cometchatcalls.New(cfg.appID, cfg.region, opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	// Local, so checked before the network can use up the time; reported
	// last, after the checks of what it depends on.
	session := checkSessionFile(ctx, cfg)
	var results []checkResult
	var checks []func(context.Context) checkResult
	for _, h := range hosts(cl) {
		checks = append(checks, func(ctx context.Context) checkResult { return checkHost(ctx, h.name, h.url) })
	}
	checks = append(checks, func(ctx context.Context) checkResult { return checkAppID(ctx, cl, cfg) })
	if cfg.apiKey != "" {
		checks = append(checks, func(ctx context.Context) checkResult {
			return checkAdminKey(ctx, cfg, opts, "REST API key", cfg.apiKey, func(a *cometchatcalls.AdminClient) error {
				_, err := a.ListUsers(ctx, &cometchatcalls.ListUsersOptions{PerPage: 1})
				return err
			})
		})
	} else {
		fmt.Fprintf(c.stderr, "REST API key: not checked (%s is not set)\n", envAPIKey)
	}
	if cfg.authKey != "" {
		checks = append(checks, func(ctx context.Context) checkResult {
			return checkAdminKey(ctx, cfg, opts, "auth key", cfg.authKey, func(a *cometchatcalls.AdminClient) error {
				// The auth key may create auth tokens: ask for one for a
				// user that cannot exist, and "no such user" proves the key.
				_, err := a.CreateAuthToken(ctx, probeUID(), nil)
				if errors.Is(err, cometchatcalls.ErrUIDNotFound) {
					return nil
				}
				return err
			})
		})
	} else {
		fmt.Fprintf(c.stderr, "auth key: not checked (%s is not set)\n", envAuthKey)
	}
	for i, check := range checks {
		share := ctx
		if deadline, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			share, cancel = context.WithTimeout(ctx, time.Until(deadline)/time.Duration(len(checks)-i))
			defer cancel()
		}
		results = append(results, check(share))
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil, ctx.Err() // Ctrl-C: no report of checks it cut short
	}
	return append(results, session), nil
}

type host struct{ name, url string }

// hosts are the client's three base URLs, as the SDK resolved them (its
// LogValue names them), so that doctor checks what the commands use.
func hosts(cl *cometchatcalls.Client) []host {
	names := map[string]string{"adminHost": "admin host", "clientHost": "client host", "callHost": "calls host"}
	var hs []host
	for _, a := range cl.LogValue().Group() {
		if name, ok := names[a.Key]; ok && a.Value.Kind() == slog.KindString {
			hs = append(hs, host{name, a.Value.String()})
		}
	}
	return hs
}

// checkHost resolves the host of base and sends it a GET: any HTTP answer
// means it is reachable (over TLS verified as the SDK verifies it, for
// https).
func checkHost(ctx context.Context, name, base string) checkResult {
	r := checkResult{Check: name, Detail: base}
	u, err := url.Parse(base)
	if err != nil {
		r.Error = netError(fmt.Sprintf("%s is not a URL: %v", base, err))
		return r
	}
	if net.ParseIP(u.Hostname()) == nil {
		if _, err := net.DefaultResolver.LookupHost(ctx, u.Hostname()); err != nil {
			r.Error = netError(fmt.Sprintf("%s does not resolve: %v", u.Hostname(), err))
			return r
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base, nil)
	if err != nil {
		r.Error = netError(err.Error())
		return r
	}
	hc := &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		r.Error = netError(fmt.Sprintf("no answer from %s: %v", u.Host, errors.Unwrap(err)))
		return r
	}
	_ = resp.Body.Close()
	r.OK = true
	if u.Scheme == "https" {
		r.Detail += " (TLS verified)"
	}
	return r
}

func netError(msg string) *errorJSON {
	return &errorJSON{Code: cometchatcalls.CodeNetwork, Message: msg, Retryable: true, Advice: advice(cometchatcalls.CodeNetwork)}
}

// checkAppID logs in with a token that does not exist: the server then
// says either that it does not know the app, or (having found the app)
// that it does not know the token.
func checkAppID(ctx context.Context, cl *cometchatcalls.Client, cfg *config) checkResult {
	r := checkResult{Check: "app ID", Detail: cfg.appID + " in region " + cfg.region}
	_, err := cl.LoginWithAuthToken(ctx, probeUID()) // a token nobody was given
	if err == nil || errors.Is(err, cometchatcalls.ErrAuthTokenNotFound) {
		r.OK = true
		return r
	}
	r.Error = toErrorJSON(err)
	return r
}

// checkAdminKey runs probe with an AdminClient holding key.
func checkAdminKey(ctx context.Context, cfg *config, opts []cometchatcalls.Option, name, key string,
	probe func(*cometchatcalls.AdminClient) error) checkResult {
	r := checkResult{Check: name, Detail: "accepted by app " + cfg.appID}
	a, err := cometchatcalls.NewAdminClient(cfg.appID, cfg.region, key, opts...)
	if err == nil {
		defer a.Close()
		err = probe(a)
	}
	if err != nil {
		r.Detail = ""
		r.Error = toErrorJSON(err)
		return r
	}
	r.OK = true
	return r
}

// probeUID is a uid no app has: 32 random hex digits after a prefix.
func probeUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "cometchatcalls-doctor-" + hex.EncodeToString(b[:])
}

// checkSessionFile reads the session file, if there is one, and checks
// that only its owner may read it.
func checkSessionFile(ctx context.Context, cfg *config) checkResult {
	r := checkResult{Check: "session file", Detail: cfg.sessionFile}
	st, err := os.Stat(cfg.sessionFile)
	if errors.Is(err, fs.ErrNotExist) {
		r.OK = true
		r.Detail += " (none yet: nobody logged in)"
		return r
	}
	if err != nil {
		r.Error = &errorJSON{Code: cometchatcalls.CodeSessionStore, Message: err.Error(), Advice: advice(cometchatcalls.CodeSessionStore)}
		return r
	}
	// Windows has no such mode bits: its ACLs keep the config directory private.
	if perm := st.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		r.Error = &errorJSON{Code: cometchatcalls.CodeSessionStore,
			Message: fmt.Sprintf("the file has mode %04o: others may read the auth token in it", perm),
			Advice:  "chmod 600 " + cfg.sessionFile + ", and revoke the token if others could read it (cometchatcalls token revoke -all UID)."}
		return r
	}
	s, err := cometchatcalls.NewFileStore(cfg.sessionFile).Load(ctx, cfg.appID)
	if err != nil {
		r.Error = toErrorJSON(err)
		return r
	}
	r.OK = true
	if s != nil {
		r.Detail += " (logged in as " + userLine(&s.User) + ")"
	} else {
		r.Detail += " (nobody logged in)"
	}
	return r
}

// printChecks writes one line a check, with what to do after a failure.
func printChecks(w io.Writer, results []checkResult) {
	for _, r := range results {
		if r.OK {
			fmt.Fprintf(w, "✓ %s: %s\n", r.Check, clean(r.Detail))
			continue
		}
		line := "✗ " + r.Check
		if r.Detail != "" {
			line += " (" + clean(r.Detail) + ")"
		}
		// The code, like the message, may come from the server: cleaned.
		fmt.Fprintf(w, "%s: %s: %s\n", line, clean(r.Error.Code), clean(r.Error.Message))
		if r.Error.Advice != "" {
			fmt.Fprintf(w, "    what to do: %s\n", clean(r.Error.Advice))
		}
	}
}
