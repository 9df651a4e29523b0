package main

import (
	"context"
	"flag"
	"io"
	"runtime"

	"github.com/cometchat-go/cometchatcalls"
)

// versionJSON is what version -json prints.
type versionJSON struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

func versionCommand() *command {
	return &command{
		name:     "version",
		args:     "",
		summary:  "print the version (the SDK's: the tool ships with it)",
		examples: []string{"cometchatcalls version", "cometchatcalls version -json"},
		setup: func(*flag.FlagSet) action {
			return func(_ context.Context, c *cli, _ []string) error {
				v := versionJSON{Version: cometchatcalls.Version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
				return c.out(v, func(w io.Writer) {
					writeLine(w, "cometchatcalls "+v.Version+" ("+v.Go+", "+v.OS+"/"+v.Arch+")")
				})
			}
		},
	}
}
