package emulatorcmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cometchat-go/cometchatcalls/internal/syncbuf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// running is a run call on its own goroutine.
type running struct {
	stdout, stderr *syncbuf.Buffer
	cancel         context.CancelFunc
	code           chan int
}

func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}, cancel: cancel, code: make(chan int, 1)}
	go func() { r.code <- run(ctx, args, r.stdout, r.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.code:
		case <-time.After(10 * time.Second):
			t.Error("run did not return after cancel")
		}
	})
	return r
}

// banner waits for the banner and returns its "name: value" lines.
func (r *running) banner(t *testing.T) map[string]string {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(r.stdout.String(), "Stop with Ctrl+C.") },
		5*time.Second, time.Millisecond, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	lines := map[string]string{}
	for _, l := range strings.Split(r.stdout.String(), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			lines[k] = strings.TrimSpace(v)
		}
	}
	return lines
}

// stop cancels the context and returns the exit code.
func (r *running) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.code:
		r.code <- code // for the cleanup
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
		return -1
	}
}

// runNow runs a call expected to return at once.
func runNow(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func get(t *testing.T, hc *http.Client, url string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp
}

func TestRun_DefaultsServeAndStop(t *testing.T) {
	t.Parallel()
	r := start(t, "-addr", "127.0.0.1:0")
	b := r.banner(t)
	assert.Regexp(t, regexp.MustCompile(`^http://127\.0\.0\.1:\d+/admin/v3\.0$`), b["admin URL"])
	assert.Regexp(t, regexp.MustCompile(`^http://127\.0\.0\.1:\d+/client/v3\.0$`), b["client URL"])
	assert.Equal(t, "emulatorapp", b["app ID"])
	assert.Equal(t, "us", b["region"])
	assert.Equal(t, "emulator-auth-key", b["auth key"])
	assert.Equal(t, "emulator-rest-api-key", b["REST API key"])

	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	resp := get(t, hc, b["admin URL"]+"/users/cometchat-uid-1", "appId", "emulatorapp", "apiKey", "emulator-rest-api-key")
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	assert.Equal(t, 0, r.stop(t))
	assert.Contains(t, r.stdout.String(), "CometChat emulator stopped")
	assert.Empty(t, r.stderr.String())
	hc.CloseIdleConnections()
	_, err := hc.Get(b["admin URL"] + "/users/cometchat-uid-1")
	assert.Error(t, err, "the port is closed")
}

func TestRun_FlagsApplied(t *testing.T) {
	t.Parallel()
	r := start(t, "-addr", "localhost:0", "-app-id", "myapp", "-region", "EU", "-auth-key", "ak-1", "-api-key", "rk-1", "-rate-limit", "1")
	b := r.banner(t)
	assert.Equal(t, "myapp", b["app ID"])
	assert.Equal(t, "eu", b["region"])
	assert.Equal(t, "ak-1", b["auth key"])
	assert.Equal(t, "rk-1", b["REST API key"])
	assert.Equal(t, "1 requests a minute", b["rate limit"])

	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	var statuses []int
	for range 3 { // the minute may turn once meanwhile, not twice
		resp := get(t, hc, b["admin URL"]+"/users/cometchat-uid-1", "appId", "myapp", "apiKey", "rk-1")
		statuses = append(statuses, resp.StatusCode)
	}
	assert.Equal(t, http.StatusOK, statuses[0])
	assert.Contains(t, statuses, http.StatusTooManyRequests)
	assert.Equal(t, 0, r.stop(t))
}

func TestRun_TLSWritesATrustableCertificate(t *testing.T) {
	t.Parallel()
	certFile := filepath.Join(t.TempDir(), "emulator.pem")
	r := start(t, "-addr", "127.0.0.1:0", "-tls", "-cert-out", certFile)
	b := r.banner(t)
	assert.Equal(t, certFile, b["certificate"])
	require.True(t, strings.HasPrefix(b["admin URL"], "https://127.0.0.1:"), b["admin URL"])

	pemBytes, err := os.ReadFile(certFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer hc.CloseIdleConnections()
	resp := get(t, hc, b["client URL"]+"/me", "appId", "emulatorapp")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "served: AUTH_ERR_EMPTY_AUTH_TOKEN")
	assert.Equal(t, 0, r.stop(t))
}

func TestRun_NonLoopbackRefused(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "example.com:8787", "192.0.2.1:8787"} {
		code, stdout, stderr := runNow("-addr", addr)
		assert.Equal(t, 2, code, addr)
		assert.Empty(t, stdout, addr)
		assert.Contains(t, stderr, "not a loopback address", addr)
		assert.Contains(t, stderr, "-allow-remote", addr)
	}
}

func TestRun_AllowRemote(t *testing.T) {
	t.Parallel()
	r := start(t, "-addr", "0.0.0.0:0", "-allow-remote")
	b := r.banner(t)
	assert.Regexp(t, regexp.MustCompile(`^http://127\.0\.0\.1:\d+/admin/v3\.0$`), b["admin URL"], "a dialable URL")
	assert.Contains(t, r.stderr.String(), "warning")
	assert.Equal(t, 0, r.stop(t))
}

func TestRun_PortTaken(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, stdout, stderr := runNow("-addr", ln.Addr().String())
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "cannot listen on "+ln.Addr().String())
	assert.Contains(t, stderr, "already in use")
}

func TestRun_UsageErrors(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"unknown flag":          {"-nope"},
		"extra argument":        {"-addr", "127.0.0.1:0", "extra"},
		"bad addr":              {"-addr", "nonsense"},
		"bad region":            {"-addr", "127.0.0.1:0", "-region", "mars"},
		"empty app ID":          {"-addr", "127.0.0.1:0", "-app-id", ""},
		"negative rate":         {"-addr", "127.0.0.1:0", "-rate-limit", "-1"},
		"cert-out without tls":  {"-addr", "127.0.0.1:0", "-cert-out", "x.pem"},
		"rate limit not number": {"-rate-limit", "lots"},
	}
	for name, args := range cases {
		code, stdout, stderr := runNow(args...)
		assert.Equal(t, 2, code, name)
		assert.Empty(t, stdout, name)
		assert.NotEmpty(t, stderr, name)
	}
}

func TestRun_Help(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runNow("-h")
	assert.Equal(t, 0, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "-allow-remote")
	assert.Contains(t, stderr, "-cert-out")
}

func TestRun_CertOutUnwritable(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "missing-dir", "c.pem")
	code, stdout, stderr := runNow("-addr", "127.0.0.1:0", "-tls", "-cert-out", bad)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "writing the certificate")
}

// TestServerTimeouts: the standalone emulator bounds how long a client may
// take to send headers, a request and read an answer, and how long an idle
// connection stays open.
func TestServerTimeouts(t *testing.T) {
	t.Parallel()
	var s http.Server
	serverTimeouts(&s)
	assert.Positive(t, s.ReadHeaderTimeout)
	assert.Positive(t, s.ReadTimeout)
	assert.Positive(t, s.WriteTimeout)
	assert.Positive(t, s.IdleTimeout)
	assert.Positive(t, s.MaxHeaderBytes)
}
