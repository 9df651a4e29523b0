package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// The environment variables the tool reads; the SDK itself reads none.
const (
	envAppID       = "COMETCHAT_APP_ID"
	envRegion      = "COMETCHAT_REGION"
	envAuthKey     = "COMETCHAT_AUTH_KEY"
	envAPIKey      = "COMETCHAT_API_KEY"
	envEmulatorURL = "COMETCHAT_EMULATOR_URL"
)

// config is where a command talks to and with what. authKey and apiKey
// are credentials: nothing prints them, and no String method exists that
// could.
type config struct {
	appID, region string
	emulatorURL   string // "" for CometChat itself
	authKey       string // "" when not set
	apiKey        string // "" when not set
	sessionFile   string
	opts          []cometchatcalls.Option
}

// config resolves the configuration: a flag, else its variable, else (for
// an emulator) the emulator's default.
func (c *cli) config() (*config, error) {
	or := func(flagValue, env, emulatorDefault string, emulated bool) string {
		switch {
		case flagValue != "":
			return flagValue
		case os.Getenv(env) != "":
			return os.Getenv(env)
		case emulated:
			return emulatorDefault
		}
		return ""
	}
	emu := or(c.g.emulatorURL, envEmulatorURL, "", false)
	emulated := emu != ""
	cfg := &config{
		appID:       or(c.g.appID, envAppID, cometchatcallstest.DefaultAppID, emulated),
		region:      or(c.g.region, envRegion, cometchatcallstest.DefaultRegion, emulated),
		emulatorURL: emu,
		authKey:     or("", envAuthKey, cometchatcallstest.DefaultAuthKey, emulated),
		apiKey:      or("", envAPIKey, cometchatcallstest.DefaultAPIKey, emulated),
		sessionFile: c.g.sessionFile,
	}
	if cfg.appID == "" || cfg.region == "" {
		return nil, usagef("", "no app configured: set %s and %s (or -app-id and -region), "+
			"or %s for an emulator", envAppID, envRegion, envEmulatorURL)
	}
	if emulated {
		cfg.opts = append(cfg.opts, cometchatcalls.WithBaseURL(emu))
	}
	if c.g.debug {
		// The SDK's log never holds a credential (its debug line has no
		// headers, and paths and errors are scrubbed), so it can go to a
		// terminal or a bug report as it is.
		h := slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		cfg.opts = append(cfg.opts, cometchatcalls.WithLogger(slog.New(h)))
	}
	cfg.opts = append(cfg.opts, cometchatcalls.WithUserAgent("cometchatcalls-cli"))
	if cfg.sessionFile == "" {
		path, err := defaultSessionFile(cfg.appID)
		if err != nil {
			return nil, err
		}
		cfg.sessionFile = path
	}
	if c.g.debug {
		fmt.Fprintln(c.stderr, "cometchatcalls: "+cfg.describe())
	}
	return cfg, nil
}

// defaultSessionFile is <user config dir>/cometchatcalls/<app id>/session.json:
// one directory per app, so that two apps never share (or clobber) a
// session, in the user's own config directory (0700 once FileStore made
// it), never in a shared one.
func defaultSessionFile(appID string) (string, error) {
	if appID == "." || appID == ".." || strings.ContainsAny(appID, `/\:`) || strings.ContainsFunc(appID, unsafeRune) {
		return "", usagef("", "the app ID %q cannot name a directory: pass -session-file", clean(appID))
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", usagef("", "no user config directory (%v): pass -session-file", err)
	}
	return filepath.Join(dir, "cometchatcalls", appID, "session.json"), nil
}

// client returns a Client that keeps its session in the session file.
func (c *cli) client() (*cometchatcalls.Client, *config, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, nil, err
	}
	store := cometchatcalls.NewFileStore(cfg.sessionFile)
	cl, err := cometchatcalls.New(cfg.appID, cfg.region, append(cfg.opts, cometchatcalls.WithSessionStore(store))...)
	if err != nil {
		return nil, nil, err
	}
	return cl, cfg, nil
}

// admin returns an AdminClient with the REST API key: from stdin when
// fromStdin, else from COMETCHAT_API_KEY (or the emulator's).
func (c *cli) admin(ctx context.Context, fromStdin bool) (*cometchatcalls.AdminClient, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	key := cfg.apiKey
	if fromStdin {
		if key, err = c.stdinSecret(ctx, "REST API key"); err != nil {
			return nil, err
		}
	}
	return cometchatcalls.NewAdminClient(cfg.appID, cfg.region, key, cfg.opts...)
}

// authKey returns the auth key: from stdin when fromStdin, else from
// COMETCHAT_AUTH_KEY (or the emulator's).
func (c *cli) authKey(ctx context.Context, cfg *config, fromStdin bool) (string, error) {
	if fromStdin {
		return c.stdinSecret(ctx, "auth key")
	}
	return cfg.authKey, nil
}

// describe says in a debug line where the command talks to, never with
// what key.
func (cfg *config) describe() string {
	where := "CometChat"
	if cfg.emulatorURL != "" {
		where = "the emulator at " + withoutSecrets(cfg.emulatorURL)
	}
	return fmt.Sprintf("app %s in region %s on %s, session file %s", cfg.appID, cfg.region, where, cfg.sessionFile)
}

// withoutSecrets is a base URL as a debug line may show it: scheme, host
// and path, without user info, query or fragment, which could hold a
// credential (the SDK refuses such a URL, but only after the line).
func withoutSecrets(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparsable URL)"
	}
	return clean((&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String())
}
