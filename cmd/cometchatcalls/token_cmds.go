package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// tokenCommands are the auth token commands of a backend: AdminClient
// with the REST API key.
func tokenCommands() []*command {
	return []*command{tokenCreateCommand(), tokenListCommand(), tokenRevokeCommand()}
}

const apiKeyStdinUsage = "read the REST API key from stdin instead of COMETCHAT_API_KEY"

func toTokenJSON(t cometchatcalls.AuthToken, token string) tokenJSON {
	j := tokenJSON{UID: t.UID, Token: token}
	if !t.CreatedAt.IsZero() {
		j.CreatedAt = t.CreatedAt.Unix()
	}
	return j
}

func tokenCreateCommand() *command {
	return &command{
		name:    "token create",
		args:    "UID [-force] [-api-key-stdin]",
		summary: "issue an auth token for a user (REST API key)",
		details: `
What a backend does for its signed-in user: the app then logs in with the
token (login -with-token). Without -force CometChat may return one of the
user's existing tokens. Prints the token; with -json,
{"uid":…,"token":…,"createdAt":…}.`,
		examples: []string{
			"cometchatcalls token create cometchat-uid-1",
			"cometchatcalls token create cometchat-uid-1 -force -json",
			"cometchatcalls token create cometchat-uid-1 | cometchatcalls login -with-token",
		},
		nargs: 1,
		setup: func(fs *flag.FlagSet) action {
			force := fs.Bool("force", false, "always create a new token")
			keyStdin := fs.Bool("api-key-stdin", false, apiKeyStdinUsage)
			return func(ctx context.Context, c *cli, args []string) error {
				a, err := c.admin(ctx, *keyStdin)
				if err != nil {
					return err
				}
				defer a.Close()
				t, err := a.CreateAuthToken(ctx, args[0], &cometchatcalls.CreateAuthTokenOptions{Force: *force})
				if err != nil {
					return err
				}
				return c.out(toTokenJSON(*t, t.Token), func(w io.Writer) { writeLine(w, t.Token) })
			}
		},
	}
}

func tokenListCommand() *command {
	return &command{
		name:    "token list",
		args:    "UID [-show-tokens] [-api-key-stdin]",
		summary: "list a user's auth tokens, masked unless -show-tokens",
		details: `
Every auth token of the user, newest first, each shown by its last four
characters only; -show-tokens prints them whole (they are credentials).
With -json, an array of {"uid":…,"token":…,"createdAt":…}.`,
		examples: []string{
			"cometchatcalls token list cometchat-uid-1",
			"cometchatcalls token list cometchat-uid-1 -json -show-tokens",
		},
		nargs: 1,
		setup: func(fs *flag.FlagSet) action {
			show := fs.Bool("show-tokens", false, "print the tokens whole")
			keyStdin := fs.Bool("api-key-stdin", false, apiKeyStdinUsage)
			return func(ctx context.Context, c *cli, args []string) error {
				a, err := c.admin(ctx, *keyStdin)
				if err != nil {
					return err
				}
				defer a.Close()
				tokens, err := a.ListAuthTokens(ctx, args[0])
				if err != nil {
					return err
				}
				list := make([]tokenJSON, len(tokens))
				for i, t := range tokens {
					shown := mask(t.Token)
					if *show {
						shown = t.Token
					}
					list[i] = toTokenJSON(t, shown)
				}
				return c.out(list, func(w io.Writer) {
					if len(list) == 0 {
						fmt.Fprintf(c.stderr, "%s has no auth tokens\n", clean(args[0]))
						return
					}
					tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "TOKEN\tCREATED")
					for i, t := range list {
						created := "-"
						if !tokens[i].CreatedAt.IsZero() {
							created = tokens[i].CreatedAt.UTC().Format(time.RFC3339)
						}
						fmt.Fprintf(tw, "%s\t%s\n", clean(t.Token), created)
					}
					tw.Flush()
				})
			}
		},
	}
}

// mask shows a token by its last four characters, enough to tell tokens
// apart in a list and useless to log in with.
func mask(token string) string {
	const shown = 4
	if len(token) <= 3*shown {
		return "****"
	}
	return "****" + token[len(token)-shown:]
}

// revokedJSON is what -json prints after a revocation.
type revokedJSON struct {
	UID     string `json:"uid"`
	Revoked string `json:"revoked"` // "token" or "all"
}

func tokenRevokeCommand() *command {
	return &command{
		name:    "token revoke",
		args:    "UID [-all] [-api-key-stdin]",
		summary: "revoke one auth token (read from stdin) or -all of a user's",
		details: `
The token to revoke is always read from stdin, never an argument. A client
logged in with it is logged out at its next check (whoami -validate). -all
revokes every token of the user, logging them out everywhere, and reads
nothing from stdin (with -api-key-stdin, stdin holds the key).`,
		examples: []string{
			"cometchatcalls auth-token | cometchatcalls token revoke cometchat-uid-1",
			"cometchatcalls token revoke -all cometchat-uid-1",
		},
		nargs: 1,
		setup: func(fs *flag.FlagSet) action {
			all := fs.Bool("all", false, "revoke every auth token of the user")
			keyStdin := fs.Bool("api-key-stdin", false, apiKeyStdinUsage+" (with -all only: stdin holds the token otherwise)")
			return func(ctx context.Context, c *cli, args []string) error {
				if *keyStdin && !*all {
					return usagef("token revoke", "-api-key-stdin goes with -all: without it, stdin holds the token to revoke")
				}
				uid := args[0]
				a, err := c.admin(ctx, *keyStdin)
				if err != nil {
					return err
				}
				defer a.Close()
				if *all {
					if err := a.FlushAuthTokens(ctx, uid); err != nil {
						return err
					}
					return c.out(revokedJSON{UID: uid, Revoked: "all"}, func(w io.Writer) {
						writeLine(w, "Revoked every auth token of "+clean(uid))
					})
				}
				token, err := c.stdinSecret(ctx, "auth token to revoke")
				if err != nil {
					return err
				}
				if err := a.RevokeAuthToken(ctx, uid, token); err != nil {
					return err
				}
				return c.out(revokedJSON{UID: uid, Revoked: "token"}, func(w io.Writer) {
					writeLine(w, "Revoked an auth token of "+clean(uid))
				})
			}
		},
	}
}
