package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/cometchat-go/cometchatcalls"
)

// authCommands are the commands of the logged-in user, whose session
// lives in the session file.
func authCommands() []*command {
	return []*command{loginCommand(), whoamiCommand(), logoutCommand(), authTokenCommand(), callTokenCommand()}
}

func loginCommand() *command {
	return &command{
		name:    "login",
		args:    "-uid UID [-auth-key-stdin] | -with-token",
		summary: "log a user in and keep the session in the session file",
		details: `
With -uid, the auth key comes from COMETCHAT_AUTH_KEY (the emulator's by
default with COMETCHAT_EMULATOR_URL), or from stdin with -auth-key-stdin.
The auth key can log in as anyone: it is for development. In production a
backend issues an auth token (cometchatcalls token create) and the user logs
in with it: -with-token reads it from stdin.

Prints "Logged in as NAME (UID)"; with -json, the user.`,
		examples: []string{
			"COMETCHAT_EMULATOR_URL=http://127.0.0.1:8787 cometchatcalls login -uid cometchat-uid-1",
			"cometchatcalls login -uid cometchat-uid-1 -auth-key-stdin < auth-key.txt",
			"cometchatcalls token create cometchat-uid-2 | cometchatcalls login -with-token",
		},
		setup: func(fs *flag.FlagSet) action {
			uid := fs.String("uid", "", "log in as `UID` with the auth key")
			keyStdin := fs.Bool("auth-key-stdin", false, "read the auth key from stdin instead of COMETCHAT_AUTH_KEY")
			withToken := fs.Bool("with-token", false, "log in with an auth token read from stdin")
			return func(ctx context.Context, c *cli, _ []string) error {
				switch {
				case *uid == "" && !*withToken:
					return usagef("login", "pass -uid UID, or -with-token with the token on stdin")
				case *uid != "" && *withToken:
					return usagef("login", "-uid and -with-token exclude each other")
				case *keyStdin && *withToken:
					return usagef("login", "-auth-key-stdin goes with -uid, not -with-token")
				}
				cl, cfg, err := c.client()
				if err != nil {
					return err
				}
				defer cl.Close()
				var u *cometchatcalls.User
				if *withToken {
					token, err := c.stdinSecret(ctx, "auth token")
					if err != nil {
						return err
					}
					u, err = cl.LoginWithAuthToken(ctx, token)
					if err != nil {
						return err
					}
				} else {
					key, err := c.authKey(ctx, cfg, *keyStdin)
					if err != nil {
						return err
					}
					if u, err = cl.Login(ctx, *uid, key); err != nil {
						return err
					}
				}
				return c.out(u, func(w io.Writer) { writeLine(w, "Logged in as "+userLine(u)) })
			}
		},
	}
}

func whoamiCommand() *command {
	return &command{
		name:    "whoami",
		args:    "[-validate]",
		summary: "print the logged-in user (exit code 4 when nobody is)",
		details: `
Reads the session file, without a request; -validate also asks CometChat
whether the session is still valid (a revoked token or a deleted user ends
the session, exit code 4).`,
		examples: []string{"cometchatcalls whoami", "cometchatcalls whoami -validate -json"},
		setup: func(fs *flag.FlagSet) action {
			validate := fs.Bool("validate", false, "check the session with the server")
			return func(ctx context.Context, c *cli, _ []string) error {
				cl, _, err := c.client()
				if err != nil {
					return err
				}
				defer cl.Close()
				u, err := loggedIn(ctx, cl)
				if err != nil {
					return err
				}
				if *validate {
					if u, err = cl.ValidateSession(ctx); err != nil {
						return err
					}
				}
				return c.out(u, func(w io.Writer) { writeLine(w, "Logged in as "+userLine(u)) })
			}
		},
	}
}

// loggedIn returns the logged-in user, or ERROR_NO_USER_LOGGED_IN.
func loggedIn(ctx context.Context, cl *cometchatcalls.Client) (*cometchatcalls.User, error) {
	u, err := cl.GetLoggedInUser(ctx)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, cometchatcalls.ErrNoUserLoggedIn
	}
	return u, nil
}

func logoutCommand() *command {
	return &command{
		name:    "logout",
		args:    "",
		summary: "log the user out; the local session always ends",
		details: `
Revokes the session's auth token on the server and deletes the session.
The local session ends even when the server cannot be reached; the command
then fails with ERROR_LOGOUT_FAIL (the token may still be valid).
Prints "Logged out NAME (UID)"; with -json, the user who was logged in.`,
		examples: []string{"cometchatcalls logout"},
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *cli, _ []string) error {
				cl, cfg, err := c.client()
				if err != nil {
					return err
				}
				defer cl.Close()
				u, err := loggedIn(ctx, cl)
				if errors.Is(err, cometchatcalls.ErrSessionStore) {
					// An unreadable session file ends here too: FileStore's
					// Delete moves it aside (it may hold a token nobody can
					// revoke now, which the error says).
					if derr := cometchatcalls.NewFileStore(cfg.sessionFile).Delete(ctx, cfg.appID); derr == nil {
						fmt.Fprintln(c.stderr, "cometchatcalls: the session file was unreadable and has been moved aside; no token was revoked")
					}
					return err
				}
				if err != nil {
					return err
				}
				if err := cl.Logout(ctx); err != nil {
					return err
				}
				return c.out(u, func(w io.Writer) { writeLine(w, "Logged out "+userLine(u)) })
			}
		},
	}
}

// tokenJSON is an auth token as -json prints it.
type tokenJSON struct {
	UID       string `json:"uid"`
	Token     string `json:"token"`
	CreatedAt int64  `json:"createdAt,omitempty"` // Unix seconds, as User's
}

func authTokenCommand() *command {
	return &command{
		name:    "auth-token",
		args:    "",
		summary: "print the logged-in user's auth token (the only output)",
		details: `
The auth token is a bearer credential: whoever has it is this user until it
is revoked. Pipe it where it is needed rather than copying it around.`,
		examples: []string{
			"cometchatcalls auth-token",
			"curl -H \"authToken: $(cometchatcalls auth-token)\" …",
		},
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, c *cli, _ []string) error {
				cl, _, err := c.client()
				if err != nil {
					return err
				}
				defer cl.Close()
				u, err := loggedIn(ctx, cl)
				if err != nil {
					return err
				}
				token, err := cl.GetUserAuthToken(ctx)
				if err != nil {
					return err
				}
				return c.out(tokenJSON{UID: u.UID, Token: token}, func(w io.Writer) { writeLine(w, token) })
			}
		},
	}
}

func callTokenCommand() *command {
	return &command{
		name:    "call-token",
		args:    "SESSION_ID [-token-stdin]",
		summary: "print a call token for a call session, for the logged-in user",
		details: `
A call token lets the user join the call session SESSION_ID (the name your
app gives the call). With -token-stdin the auth token comes from stdin
instead of the session, which stays as it is.
Prints the token; with -json, {"sessionId":…,"token":…}.`,
		examples: []string{
			"cometchatcalls call-token team-standup",
			"cometchatcalls auth-token | cometchatcalls call-token team-standup -token-stdin -json",
		},
		nargs: 1,
		setup: func(fs *flag.FlagSet) action {
			tokenStdin := fs.Bool("token-stdin", false, "use an auth token read from stdin instead of the session's")
			return func(ctx context.Context, c *cli, args []string) error {
				cl, _, err := c.client()
				if err != nil {
					return err
				}
				defer cl.Close()
				var ct *cometchatcalls.CallToken
				if *tokenStdin {
					token, err := c.stdinSecret(ctx, "auth token")
					if err != nil {
						return err
					}
					ct, err = cl.GenerateCallTokenWithAuthToken(ctx, args[0], token)
					if err != nil {
						return err
					}
				} else if ct, err = cl.GenerateCallToken(ctx, args[0]); err != nil {
					return err
				}
				return c.out(ct, func(w io.Writer) { writeLine(w, ct.Token) })
			}
		},
	}
}

// writeLine writes s and a line feed; a failed write to stdout has no one
// left to tell.
func writeLine(w io.Writer, s string) { _, _ = io.WriteString(w, s+"\n") }
