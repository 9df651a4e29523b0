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

// userCommands manage the app's users with the REST API key.
func userCommands() []*command {
	return []*command{userCreateCommand(), userGetCommand(), userListCommand(), userDeleteCommand()}
}

func userCreateCommand() *command {
	return &command{
		name:    "user create",
		args:    "UID -name NAME [-avatar URL] [-api-key-stdin]",
		summary: "create a user",
		details: `Prints "Created NAME (UID)"; with -json, the user as CometChat stored it.`,
		examples: []string{
			`cometchatcalls user create alice -name "Alice Smith"`,
			`cometchatcalls user create -name Bob -avatar https://example.com/bob.png bob -json`,
		},
		nargs: 1,
		setup: func(fs *flag.FlagSet) action {
			name := fs.String("name", "", "the user's display `name` (required)")
			avatar := fs.String("avatar", "", "the `URL` of the user's picture")
			keyStdin := fs.Bool("api-key-stdin", false, apiKeyStdinUsage)
			return func(ctx context.Context, c *cli, args []string) error {
				if *name == "" {
					return usagef("user create", "-name is required")
				}
				a, err := c.admin(ctx, *keyStdin)
				if err != nil {
					return err
				}
				defer a.Close()
				u, err := a.CreateUser(ctx, cometchatcalls.NewUser{UID: args[0], Name: *name, Avatar: *avatar})
				if err != nil {
					return err
				}
				return c.out(u, func(w io.Writer) { writeLine(w, "Created "+userLine(u)) })
			}
		},
	}
}

func userGetCommand() *command {
	return &command{
		name:     "user get",
		args:     "UID [-api-key-stdin]",
		summary:  "print a user",
		details:  `Prints the user's fields, one per line; with -json, the user.`,
		examples: []string{"cometchatcalls user get cometchat-uid-1", "cometchatcalls user get cometchat-uid-1 -json"},
		nargs:    1,
		setup: func(fs *flag.FlagSet) action {
			keyStdin := fs.Bool("api-key-stdin", false, apiKeyStdinUsage)
			return func(ctx context.Context, c *cli, args []string) error {
				a, err := c.admin(ctx, *keyStdin)
				if err != nil {
					return err
				}
				defer a.Close()
				u, err := a.GetUser(ctx, args[0])
				if err != nil {
					return err
				}
				return c.out(u, func(w io.Writer) { printUser(w, u) })
			}
		},
	}
}

// printUser writes the fields of u that are set, one "name: value" a line.
func printUser(w io.Writer, u *cometchatcalls.User) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", name, clean(value))
		}
	}
	unix := func(sec int64) string {
		if sec == 0 {
			return ""
		}
		return time.Unix(sec, 0).UTC().Format(time.RFC3339)
	}
	field("uid", u.UID)
	field("name", u.Name)
	field("avatar", u.Avatar)
	field("status", string(u.Status))
	field("role", u.Role)
	field("link", u.Link)
	field("status message", u.StatusMessage)
	field("last active", unix(u.LastActiveAt))
	field("created", unix(u.CreatedAt))
	tw.Flush()
}

func userListCommand() *command {
	return &command{
		name:    "user list",
		args:    "[-page N] [-per-page N] [-api-key-stdin]",
		summary: "list the app's users, one page at a time",
		details: `
Prints one user a line (uid, name, status) and, on stderr, which page of how
many this is; with -json, an array of users.`,
		examples: []string{"cometchatcalls user list", "cometchatcalls user list -page 2 -per-page 50 -json"},
		setup: func(fs *flag.FlagSet) action {
			page := fs.Int("page", 1, "the page to print, from 1")
			perPage := fs.Int("per-page", 100, "users a page, 1 to 1000")
			keyStdin := fs.Bool("api-key-stdin", false, apiKeyStdinUsage)
			return func(ctx context.Context, c *cli, _ []string) error {
				if *page < 1 || *perPage < 1 || *perPage > 1000 {
					return usagef("user list", "-page must be 1 or more and -per-page from 1 to 1000")
				}
				a, err := c.admin(ctx, *keyStdin)
				if err != nil {
					return err
				}
				defer a.Close()
				p, err := a.ListUsers(ctx, &cometchatcalls.ListUsersOptions{Page: *page, PerPage: *perPage})
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stderr, "page %d of %d (%d users)\n", p.Page, p.TotalPages, p.Total)
				return c.out(p.Users, func(w io.Writer) {
					tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "UID\tNAME\tSTATUS")
					for _, u := range p.Users {
						fmt.Fprintf(tw, "%s\t%s\t%s\n", clean(u.UID), clean(u.Name), clean(string(u.Status)))
					}
					tw.Flush()
				})
			}
		},
	}
}

// deletedJSON is what -json prints after a deletion.
type deletedJSON struct {
	UID       string `json:"uid"`
	Deleted   bool   `json:"deleted"`
	Permanent bool   `json:"permanent"`
}

func userDeleteCommand() *command {
	return &command{
		name:    "user delete",
		args:    "UID [-permanent] [-api-key-stdin]",
		summary: "delete a user (deactivate, or -permanent)",
		details: `
Without -permanent CometChat deactivates the user, who can no longer log in
and whose uid stays taken; -permanent deletes the user and their data for
good. Both revoke the user's auth tokens.`,
		examples: []string{"cometchatcalls user delete alice", "cometchatcalls user delete alice -permanent"},
		nargs:    1,
		setup: func(fs *flag.FlagSet) action {
			permanent := fs.Bool("permanent", false, "delete for good")
			keyStdin := fs.Bool("api-key-stdin", false, apiKeyStdinUsage)
			return func(ctx context.Context, c *cli, args []string) error {
				a, err := c.admin(ctx, *keyStdin)
				if err != nil {
					return err
				}
				defer a.Close()
				if err := a.DeleteUser(ctx, args[0], &cometchatcalls.DeleteUserOptions{Permanent: *permanent}); err != nil {
					return err
				}
				return c.out(deletedJSON{UID: args[0], Deleted: true, Permanent: *permanent}, func(w io.Writer) {
					writeLine(w, "Deleted "+clean(args[0]))
				})
			}
		},
	}
}
