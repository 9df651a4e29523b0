// Command cometchat-emulator runs the CometChat emulator of package
// cometchatcallstest as a standalone process, for trying the SDK, its
// examples, or apps in other languages against a local CometChat.
//
// Usage:
//
//	cometchat-emulator [flags]
//
// It listens on 127.0.0.1:8787 by default, prints the admin, client and
// calls base URLs and the credentials (one per line), and runs until SIGINT
// or SIGTERM, then shuts down gracefully. Point the SDK at it with
// cometchatcalls.WithBaseURL (or WithAdminHost, WithClientHost and
// WithCallHost). CometChat's JavaScript Calls SDK takes the calls URL, with
// a trailing slash, as its host setting (testdata/calls-sdk-js).
//
// Flags:
//
//	-addr host:port     address to listen on (default 127.0.0.1:8787)
//	-allow-remote       allow a non-loopback -addr (the credentials are public defaults)
//	-app-id id          app ID (default emulatorapp)
//	-region r           region: us, eu or in (default us)
//	-auth-key key       auth key (default emulator-auth-key)
//	-api-key key        REST API key (default emulator-rest-api-key)
//	-rate-limit n       requests a minute before 429 (default 0: unlimited)
//	-tls                serve HTTPS with a fresh self-signed certificate
//	-cert-out file      with -tls, write the certificate (PEM) there for clients to trust
//	-webhook-url URL    POST call-session webhooks there, retrying as CometChat does
//
// With -webhook-url, the webhook's Basic auth username and password come
// from the environment variables COMETCHAT_WEBHOOK_USERNAME and
// COMETCHAT_WEBHOOK_PASSWORD (both or neither; never flags, which other
// users of the machine can see), and a request sends a call session's
// events on demand:
//
//	curl -X POST http://127.0.0.1:8787/emulator/simulate-call-session \
//	  -H 'appId: emulatorapp' -H 'apiKey: emulator-rest-api-key' \
//	  -H 'Content-Type: application/json' \
//	  -d '{"sessionId": "standup", "participants": ["Andrew Joseph", "George Alan"]}'
//
// It is meant to run for long and bounds what clients can make it hold:
// headers must arrive within 10 s (at most 64 KiB of them), a request
// within 30 s, an answer must be read within 30 s, and a connection idle
// for a minute is closed. Its memory stays bounded whatever clients send
// (each bound measured at its worst: about 40 MB of call tokens, 50 MB of
// users, 27 MB of auth tokens, 32 MiB of request log): a call's sessionId
// has at most 255 bytes, it remembers the newest 100,000 call tokens, it
// keeps at most 10,000 users (4 KiB of JSON each, 4 MiB in all) and
// 100,000 auth tokens, and its request log keeps the newest 10,000
// requests within about 32 MiB. Unless
// GOMEMLIMIT says otherwise, the Go runtime is asked to keep the heap
// under 192 MiB (a soft limit: it collects garbage sooner, never fails).
//
// Exit codes: 0 after a clean shutdown, 1 when the emulator cannot start
// (e.g. the port is taken), 2 for invalid flags.
//
// `cometchatcalls emulator` runs the same command: both binaries call
// package internal/emulatorcmd.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cometchat-go/cometchatcalls/internal/emulatorcmd"
)

func main() {
	emulatorcmd.LimitMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := emulatorcmd.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
