package emulatorcmd

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// Exit codes.
const (
	exitOK    = 0
	exitStart = 1 // the emulator could not start or stop cleanly
	exitUsage = 2 // invalid flags
)

const (
	defaultAddr     = "127.0.0.1:8787"
	shutdownTimeout = 5 * time.Second
)

// flags are the command line's values.
type flags struct {
	addr        string
	allowRemote bool
	appID       string
	region      string
	authKey     string
	apiKey      string
	rateLimit   int
	tls         bool
	certOut     string
	webhookURL  string
}

// run is the whole command: it parses args, starts the emulator, reports
// where it listens on stdout, and serves until ctx is done. It returns the
// exit code; errors go to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, code := parseFlags(args, stderr)
	if code >= 0 {
		return code
	}
	if err := checkAddr(f.addr, f.allowRemote); err != nil {
		fmt.Fprintf(stderr, "cometchat-emulator: %v\n", err)
		return exitUsage
	}
	srv, err := cometchatcallstest.Start(f.options()...)
	if err != nil {
		return startFailed(stderr, f.addr, err)
	}
	if f.certOut != "" {
		if err := writeCert(f.certOut, srv); err != nil {
			srv.Close()
			fmt.Fprintf(stderr, "cometchat-emulator: %v\n", err)
			return exitStart
		}
	}
	if !isLoopbackAddr(f.addr) {
		fmt.Fprintf(stderr, "cometchat-emulator: warning: listening on %s, beyond this machine\n", f.addr)
	}
	printBanner(stdout, srv, f)
	<-ctx.Done()
	return shutdown(srv, stdout, stderr)
}

// parseFlags parses args. It returns a code >= 0 when run must stop there
// (help: 0, invalid flags: 2), else -1.
func parseFlags(args []string, stderr io.Writer) (flags, int) {
	var f flags
	fs := flag.NewFlagSet("cometchat-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", defaultAddr, "`host:port` to listen on")
	fs.BoolVar(&f.allowRemote, "allow-remote", false, "allow a non-loopback -addr (the credentials are public defaults)")
	fs.StringVar(&f.appID, "app-id", cometchatcallstest.DefaultAppID, "app `ID`")
	fs.StringVar(&f.region, "region", cometchatcallstest.DefaultRegion, "`region`: us, eu or in")
	fs.StringVar(&f.authKey, "auth-key", cometchatcallstest.DefaultAuthKey, "auth `key` (creates users and auth tokens only)")
	fs.StringVar(&f.apiKey, "api-key", cometchatcallstest.DefaultAPIKey, "REST API `key` (every admin endpoint)")
	fs.IntVar(&f.rateLimit, "rate-limit", 0, "requests a minute before 429 ERR_TOO_MANY_REQUESTS (0: unlimited)")
	fs.BoolVar(&f.tls, "tls", false, "serve HTTPS with a fresh self-signed certificate")
	fs.StringVar(&f.certOut, "cert-out", "", "with -tls, write the certificate (PEM) to `file`")
	fs.StringVar(&f.webhookURL, "webhook-url", "", webhookURLUsage)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, exitOK
		}
		return f, exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cometchat-emulator: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return f, exitUsage
	}
	if f.certOut != "" && !f.tls {
		fmt.Fprintln(stderr, "cometchat-emulator: -cert-out needs -tls")
		return f, exitUsage
	}
	return f, -1
}

func (f flags) options() []cometchatcallstest.ServerOption {
	opts := []cometchatcallstest.ServerOption{
		cometchatcallstest.WithAddr(f.addr),
		cometchatcallstest.WithAppID(f.appID),
		cometchatcallstest.WithRegion(f.region),
		cometchatcallstest.WithAuthKey(f.authKey),
		cometchatcallstest.WithAPIKey(f.apiKey),
		cometchatcallstest.WithRateLimit(f.rateLimit),
		cometchatcallstest.WithHTTPServer(serverTimeouts),
	}
	if f.tls {
		opts = append(opts, cometchatcallstest.WithTLS())
	}
	opts = append(opts, webhookOptions(f.webhookURL, os.Getenv)...)
	return opts
}

// serverTimeouts bounds how long a client may hold a connection of the
// long-running emulator: to send its headers, its whole request, to read
// the answer, and between requests (else idle keep-alive connections
// stay open for ever). The emulator answers in microseconds; these only
// stop slow or stalled clients from piling up connections. Headers are
// capped at 64 KiB (net/http allows 1 MB), far above what CometChat's
// SDKs send, so each request the log keeps stays small.
func serverTimeouts(s *http.Server) {
	s.ReadHeaderTimeout = 10 * time.Second
	s.ReadTimeout = 30 * time.Second
	s.WriteTimeout = 30 * time.Second
	s.IdleTimeout = time.Minute
	s.MaxHeaderBytes = 64 << 10
}

// checkAddr refuses a malformed address, and a non-loopback one unless
// allowRemote: the emulator's credentials are published defaults.
func checkAddr(addr string, allowRemote bool) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("-addr %q: %v", addr, err)
	}
	if !allowRemote && !isLoopbackAddr(addr) {
		return fmt.Errorf("-addr %s is not a loopback address; the emulator's credentials are public, "+
			"so anyone who reaches it can use it. Pass -allow-remote to listen there anyway", addr)
	}
	return nil
}

// isLoopbackAddr reports whether addr's host is localhost or a loopback IP.
// An empty host means every interface, so it is not.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// startFailed reports why Start failed: 1 for a listen error (with a
// clearer word for a taken port), 2 for an invalid flag value.
func startFailed(stderr io.Writer, addr string, err error) int {
	var opErr *net.OpError
	switch {
	case addrInUse(err):
		fmt.Fprintf(stderr, "cometchat-emulator: cannot listen on %s: the address is already in use "+
			"(is another emulator running?); choose another with -addr\n", addr)
		return exitStart
	case errors.As(err, &opErr):
		fmt.Fprintf(stderr, "cometchat-emulator: %v\n", err)
		return exitStart
	}
	fmt.Fprintf(stderr, "cometchat-emulator: invalid flags: %v\n", err)
	return exitUsage
}

// writeCert writes the server's certificate as PEM to path.
func writeCert(path string, srv *cometchatcallstest.Server) error {
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, b, 0o644); err != nil { // a certificate is public
		return fmt.Errorf("writing the certificate: %w", err)
	}
	return nil
}

// printBanner tells the user where the emulator is and how to reach it,
// one fact per line.
func printBanner(w io.Writer, srv *cometchatcallstest.Server, f flags) {
	fmt.Fprintln(w, "CometChat emulator ready")
	fmt.Fprintf(w, "admin URL:    %s\n", srv.AdminURL())
	fmt.Fprintf(w, "client URL:   %s\n", srv.ClientURL())
	fmt.Fprintf(w, "calls URL:    %s\n", srv.CallURL())
	fmt.Fprintf(w, "app ID:       %s\n", srv.AppID())
	fmt.Fprintf(w, "region:       %s\n", srv.Region())
	fmt.Fprintf(w, "auth key:     %s\n", srv.AuthKey())
	fmt.Fprintf(w, "REST API key: %s\n", srv.APIKey())
	if f.certOut != "" {
		fmt.Fprintf(w, "certificate:  %s\n", f.certOut)
	}
	if f.webhookURL != "" {
		fmt.Fprintf(w, "webhook URL:  %s\n", f.webhookURL)
	}
	if f.rateLimit > 0 {
		fmt.Fprintf(w, "rate limit:   %d requests a minute\n", f.rateLimit)
	}
	fmt.Fprintln(w, "sample users: cometchat-uid-1 … cometchat-uid-5")
	fmt.Fprintln(w, "Stop with Ctrl+C.")
}

// shutdown stops srv gracefully, giving requests in flight shutdownTimeout.
func shutdown(srv *cometchatcallstest.Server, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(stderr, "cometchat-emulator: shutdown: %v\n", err)
		return exitStart
	}
	fmt.Fprintln(stdout, "CometChat emulator stopped")
	return exitOK
}
