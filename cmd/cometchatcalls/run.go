package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitAuth        = 4   // not logged in, or credentials rejected
	exitInterrupted = 130 // 128 + SIGINT, as shells report it
	exitTerminated  = 143 // 128 + SIGTERM
)

const defaultTimeout = 15 * time.Second

// globals are the flags every command takes, before or after its name.
type globals struct {
	appID, region, emulatorURL, sessionFile string
	json, debug                             bool
	timeout                                 time.Duration
}

// register defines the global flags on fs, each defaulting to its current
// value: a command's flag set registers them again after the root one
// parsed, and must not reset what was given before the command name.
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.appID, "app-id", g.appID, "app `ID` (default $COMETCHAT_APP_ID)")
	fs.StringVar(&g.region, "region", g.region, "`region`: us, eu or in (default $COMETCHAT_REGION)")
	fs.StringVar(&g.emulatorURL, "emulator-url", g.emulatorURL, "base `URL` of a running emulator (default $COMETCHAT_EMULATOR_URL)")
	fs.StringVar(&g.sessionFile, "session-file", g.sessionFile, "session `file` (default <config dir>/cometchatcalls/<app id>/session.json)")
	fs.BoolVar(&g.json, "json", g.json, "print the result as JSON, and errors as JSON on stderr")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "bound on the whole command")
	fs.BoolVar(&g.debug, "debug", g.debug, "log the SDK's requests to stderr (credentials redacted)")
}

// globalNames are the global flags' names, left out of a command's own
// flag list in its usage.
var globalNames = map[string]bool{
	"app-id": true, "region": true, "emulator-url": true, "session-file": true,
	"json": true, "timeout": true, "debug": true,
}

// cli is one run of the command: its streams and global flags.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	g              globals
}

// action runs a command with its positional arguments; the flags it reads
// were bound by the command's setup.
type action func(ctx context.Context, c *cli, args []string) error

// command is one command of the tool.
type command struct {
	name     string // "login", "token create"
	args     string // the synopsis after the name
	summary  string // one line, for the command list
	details  string // paragraphs for `help <command>`
	examples []string
	nargs    int // exactly this many positional arguments
	setup    func(fs *flag.FlagSet) action
}

// run is the whole tool: it parses args, runs one command and returns the
// exit code. The result goes to stdout, everything else to stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, g: globals{timeout: defaultTimeout}}
	root := flag.NewFlagSet("cometchatcalls", flag.ContinueOnError)
	root.SetOutput(io.Discard)
	c.g.register(root)
	if err := root.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printMainUsage(stdout)
			return exitOK
		}
		return c.fail(ctx, usagef("", "%v", err))
	}
	rest := root.Args()
	if len(rest) == 0 {
		printMainUsage(stderr)
		return exitUsage
	}
	switch rest[0] {
	case "help":
		return c.help(rest[1:])
	case "emulator":
		return runEmulator(ctx, rest[1:], stdout, stderr)
	}
	cmd, cmdArgs, err := lookup(rest)
	if err != nil {
		return c.fail(ctx, err)
	}
	if cmd == nil { // `cometchatcalls token -h`: the group's usage
		printGroupUsage(stdout, rest[0])
		return exitOK
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	act := cmd.setup(fs)
	c.g.register(fs)
	pos, err := parseInterleaved(fs, cmdArgs)
	if errors.Is(err, flag.ErrHelp) {
		printCommandUsage(stdout, cmd)
		return exitOK
	}
	if err != nil {
		return c.fail(ctx, usagef(cmd.name, "%v", err))
	}
	if len(pos) != cmd.nargs {
		return c.fail(ctx, usagef(cmd.name, "want %s (cometchatcalls %s %s), got %d", argsWanted(cmd), cmd.name, cmd.args, len(pos)))
	}
	if c.g.timeout <= 0 {
		return c.fail(ctx, usagef(cmd.name, "-timeout must be positive"))
	}
	cctx, cancel := context.WithTimeout(ctx, c.g.timeout)
	defer cancel()
	if err := act(cctx, c, pos); err != nil {
		return c.fail(ctx, err)
	}
	return exitOK
}

// lookup finds the command that rest names: one word, or a group and a
// subcommand ("token create"). It returns a nil command for a group's own
// -h.
func lookup(rest []string) (*command, []string, error) {
	name := rest[0]
	if cmd := findCommand(name); cmd != nil {
		return cmd, rest[1:], nil
	}
	if !isGroup(name) {
		return nil, nil, usagef("", "unknown command %q", name)
	}
	if len(rest) < 2 {
		return nil, nil, usagef(name, "missing subcommand: %s", strings.Join(groupSubcommands(name), ", "))
	}
	if isHelpFlag(rest[1]) {
		return nil, nil, nil
	}
	if cmd := findCommand(name + " " + rest[1]); cmd != nil {
		return cmd, rest[2:], nil
	}
	return nil, nil, usagef(name, "unknown subcommand %q: %s", rest[1], strings.Join(groupSubcommands(name), ", "))
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" || s == "--h" }

func argsWanted(cmd *command) string {
	switch cmd.nargs {
	case 0:
		return "no arguments"
	case 1:
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", cmd.nargs)
}

// parseInterleaved parses args whose flags may come before or after the
// positional arguments, as `user create UID -name N` and `user create -name
// N UID` both mean the same. Everything after "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// help prints the usage of the tool, a group or a command on stdout.
func (c *cli) help(topic []string) int {
	// `help -h` and `help login -h` ask for help too.
	topic = slices.DeleteFunc(slices.Clone(topic), isHelpFlag)
	switch {
	case len(topic) == 0:
		printMainUsage(c.stdout)
		return exitOK
	case topic[0] == "emulator" && len(topic) == 1:
		printEmulatorUsage(c.stdout)
		return exitOK
	}
	if cmd := findCommand(strings.Join(topic, " ")); cmd != nil {
		printCommandUsage(c.stdout, cmd)
		return exitOK
	}
	if len(topic) == 1 && isGroup(topic[0]) {
		printGroupUsage(c.stdout, topic[0])
		return exitOK
	}
	return c.fail(context.Background(), usagef("help", "no help for %q: run cometchatcalls help", strings.Join(topic, " ")))
}
