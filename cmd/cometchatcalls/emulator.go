package main

import (
	"context"
	"io"

	"github.com/cometchat-go/cometchatcalls/internal/emulatorcmd"
)

// runEmulator runs the standalone emulator, the same command as
// cmd/cometchat-emulator, with args as its flags. Its -h prints this
// tool's usage for it, with the emulator's flags.
func runEmulator(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "--" {
			break
		}
		if isHelpFlag(a) {
			printEmulatorUsage(stdout)
			return exitOK
		}
	}
	emulatorcmd.LimitMemory() // the emulator is all this process does from here on
	return emulatorcmd.Run(ctx, args, stdout, stderr)
}
