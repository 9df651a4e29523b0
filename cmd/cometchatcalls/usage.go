package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cometchat-go/cometchatcalls/internal/emulatorcmd"
)

// commands is every command but help and emulator, in the order the main
// usage lists them.
var commands = func() []*command {
	var all []*command
	for _, group := range [][]*command{authCommands(), tokenCommands(), userCommands(), {doctorCommand(), versionCommand()}} {
		all = append(all, group...)
	}
	return all
}()

// groups are the commands that take a subcommand.
var groups = []string{"token", "user"}

func findCommand(name string) *command {
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd
		}
	}
	return nil
}

func isGroup(name string) bool {
	for _, g := range groups {
		if g == name {
			return true
		}
	}
	return false
}

func groupSubcommands(group string) []string {
	var subs []string
	for _, cmd := range commands {
		if g, sub, ok := strings.Cut(cmd.name, " "); ok && g == group {
			subs = append(subs, sub)
		}
	}
	return subs
}

const mainUsageHead = `cometchatcalls: CometChat Calls from the command line.

Usage:
  cometchatcalls [global flags] <command> [flags] [arguments]

Commands:
`

const mainUsageTail = `
Configuration (flags win over the environment):
  COMETCHAT_APP_ID, COMETCHAT_REGION   your app (or -app-id, -region)
  COMETCHAT_AUTH_KEY                   auth key, for login -uid (or -auth-key-stdin)
  COMETCHAT_API_KEY                    REST API key, for token and user (or -api-key-stdin)
  COMETCHAT_EMULATOR_URL               a running emulator (or -emulator-url); app ID,
                                       region and keys then default to the emulator's
A key or token is never a flag value: it would land in your shell's history
and in ps. It comes from the environment or from stdin.

Global flags (before or after the command):
  -app-id ID  -region R  -emulator-url URL  -session-file FILE
  -json       the result as one JSON value on stdout, errors as JSON on stderr
  -timeout D  bound on the whole command (default 15s)
  -debug      the SDK's request log on stderr, credentials redacted

Exit codes: 0 success, 1 failure, 2 usage error, 4 not logged in or
credentials rejected, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).

Try it against the emulator:
  cometchatcalls emulator &
  export COMETCHAT_EMULATOR_URL=http://127.0.0.1:8787
  cometchatcalls login -uid cometchat-uid-1
  cometchatcalls whoami

Run 'cometchatcalls help <command>' for a command's flags and examples.
`

// printMainUsage writes the tool's usage: every command with its summary.
func printMainUsage(w io.Writer) {
	io.WriteString(w, mainUsageHead)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, cmd := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintf(tw, "  emulator\t%s\n", emulatorSummary)
	fmt.Fprintf(tw, "  help [command]\tthis message, or a command's usage\n")
	tw.Flush()
	io.WriteString(w, mainUsageTail)
}

// printGroupUsage writes the usage of a group's subcommands.
func printGroupUsage(w io.Writer, group string) {
	fmt.Fprintf(w, "Usage:\n")
	for _, cmd := range commands {
		if strings.HasPrefix(cmd.name, group+" ") {
			fmt.Fprintf(w, "  cometchatcalls %s %s\n      %s\n", cmd.name, cmd.args, cmd.summary)
		}
	}
	fmt.Fprintf(w, "\nRun 'cometchatcalls help %s <subcommand>' for its flags and examples.\n", group)
}

// printCommandUsage writes a command's usage: synopsis, details, its own
// flags (the global ones are in the main usage) and examples.
func printCommandUsage(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", strings.TrimSpace("cometchatcalls "+cmd.name+" "+cmd.args), cmd.summary)
	if cmd.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(cmd.details))
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cmd.setup(fs)
	own := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.VisitAll(func(f *flag.Flag) {
		if !globalNames[f.Name] {
			own.Var(f.Value, f.Name, f.Usage)
		}
	})
	if hasFlags(own) {
		fmt.Fprintf(w, "\nFlags (before or after the arguments):\n")
		own.SetOutput(w)
		own.PrintDefaults()
	}
	if len(cmd.examples) > 0 {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, ex := range cmd.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
	fmt.Fprintf(w, "\nGlobal flags and configuration: cometchatcalls help\n")
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

const emulatorSummary = "run the CometChat emulator on 127.0.0.1:8787 until Ctrl-C"

// printEmulatorUsage writes the emulator command's usage, whose flags are
// cmd/cometchat-emulator's.
func printEmulatorUsage(w io.Writer) {
	fmt.Fprintf(w, `Usage: cometchatcalls emulator [flags]

%s (the same command as cmd/cometchat-emulator).
It prints its URLs and credentials, one per line, and serves until Ctrl-C
or SIGTERM. Point the other commands at it with COMETCHAT_EMULATOR_URL: the
app ID, region and keys then default to the emulator's.
The emulator takes its own flags only; global flags do not apply to it.

Flags:
`, emulatorSummary)
	emulatorcmd.PrintFlags(w)
	fmt.Fprintf(w, `
Examples:
  cometchatcalls emulator &
  COMETCHAT_EMULATOR_URL=http://127.0.0.1:8787 cometchatcalls login -uid cometchat-uid-1
  cometchatcalls emulator -addr 127.0.0.1:9000 -app-id myapp
  cometchatcalls emulator -tls -cert-out emulator.pem
`)
}
