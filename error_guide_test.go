package cometchatcalls_test

// The README's error guide ("Errors: what happened and what to do") is
// checked here: every row of its table is produced against the emulator,
// and the code, the sentinels and Retryable must be what the row says.

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// guideRow is one row of the README's table.
type guideRow struct {
	situation string
	code      string
	sentinels []string // names, e.g. "ErrAPIKeyInvalid"
	retryable bool
}

// guideSituation produces one situation: it returns the error the SDK
// gave, the HTTP status the error must carry, and optional extra checks.
type guideSituation struct {
	status  int
	produce func(t *testing.T, srv *cometchatcallstest.Server) error
	check   func(t *testing.T, e *cometchatcalls.Error)
}

// guideClient is a client for srv without retries, so that each situation
// shows its first answer.
func guideClient(t *testing.T, srv *cometchatcallstest.Server, opts ...cometchatcalls.Option) *cometchatcalls.Client {
	t.Helper()
	return clientFor(t, srv, append([]cometchatcalls.Option{cometchatcalls.WithRetries(0)}, opts...)...)
}

func guideLogin(t *testing.T, srv *cometchatcallstest.Server) (*cometchatcalls.User, error) {
	t.Helper()
	return guideClient(t, srv).Login(t.Context(), "cometchat-uid-1", srv.AuthKey())
}

// guideSituations is keyed by the README's "situation" column.
var guideSituations = map[string]guideSituation{
	"Empty or blank auth key": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		_, err := guideClient(t, srv).Login(t.Context(), "cometchat-uid-1", " ")
		return err
	}},
	"Wrong auth key": {status: 404, produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		_, err := guideClient(t, srv).Login(t.Context(), "cometchat-uid-1", "not-the-auth-key")
		return err
	}, check: func(t *testing.T, e *cometchatcalls.Error) {
		assert.NotContains(t, e.Error(), "not-the-auth-key", "the key is redacted")
		assert.Contains(t, strings.ToLower(e.Message), "auth key",
			"the SDK sent an auth key, so the message names it so (the server says apiKey)")
	}},
	"Empty or blank uid": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		_, err := guideClient(t, srv).Login(t.Context(), "  ", srv.AuthKey())
		return err
	}},
	"Uid with a space": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		_, err := guideClient(t, srv).Login(t.Context(), "cometchat uid", srv.AuthKey())
		return err
	}},
	"Unknown or deactivated uid": {status: 404, produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		_, err := guideClient(t, srv).Login(t.Context(), "nobody-here", srv.AuthKey())
		return err
	}},
	"Unknown app ID": {status: 404, produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		c, err := cometchatcalls.New("someoneelsesapp", srv.Region(),
			append(srv.ClientOptions(), cometchatcalls.WithRetries(0))...)
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Login(t.Context(), "cometchat-uid-1", srv.AuthKey())
		return err
	}, check: func(t *testing.T, e *cometchatcalls.Error) {
		assert.Equal(t, cometchatcalls.CodeInvalidAppID, e.Code)
	}},
	"Revoked token, or the user was deleted": {status: 401, produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		c := guideClient(t, srv)
		_, err := c.Login(t.Context(), "cometchat-uid-1", srv.AuthKey())
		require.NoError(t, err)
		require.NoError(t, srv.RevokeAllAuthTokens("cometchat-uid-1"))
		_, err = c.ValidateSession(t.Context())
		assert.False(t, c.IsUserLoggedIn(t.Context()), "the SDK ended the session")
		return err
	}},
	"Rate limit": {status: 429, produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		srv.FailNext(1, cometchatcallstest.Fault429("30"))
		_, err := guideLogin(t, srv)
		return err
	}, check: func(t *testing.T, e *cometchatcalls.Error) {
		assert.Equal(t, "30s", e.RetryAfter.String())
	}},
	"Outage: no answer at all (refused, DNS, TLS, timeout)": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		c := guideClient(t, srv)
		srv.Close() // nobody listens any more: connection refused
		_, err := c.Login(t.Context(), "cometchat-uid-1", srv.AuthKey())
		return err
	}},
	"Your context ended (cancelled or past its deadline)": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		c := guideClient(t, srv)
		release := srv.Hold()
		defer release()
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			_ = srv.WaitHeld(t.Context(), 1)
			cancel()
		}()
		_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		assert.ErrorIs(t, err, context.Canceled)
		return err
	}},
	"Proxy error page (a 502 or 503 in HTML, or empty)": {status: 502, produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		srv.FailNext(1, cometchatcallstest.FaultHTML502())
		_, err := guideLogin(t, srv)
		return err
	}, check: func(t *testing.T, _ *cometchatcalls.Error) {
		srv := emulator(t) // the empty 503 gives the same row, with its status
		srv.FailNext(1, cometchatcallstest.Fault503())
		_, err := guideLogin(t, srv)
		var e *cometchatcalls.Error
		require.True(t, errors.As(err, &e), "%v", err)
		assert.Equal(t, cometchatcalls.CodeServerUnavailable, e.Code, "empty 503: %v", err)
		assert.Equal(t, 503, e.HTTPStatus)
		assert.ErrorIs(t, err, cometchatcalls.ErrInvalidResponse)
		assert.True(t, e.Retryable())
	}},
	"An answer that is not CometChat's (e.g. truncated JSON)": {status: 200, produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		srv.FailNext(1, cometchatcallstest.FaultTruncatedJSON())
		_, err := guideLogin(t, srv)
		return err
	}},
	"Session store failed, or its file is corrupt": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		path := filepath.Join(t.TempDir(), "session.json")
		require.NoError(t, os.WriteFile(path, []byte("{not json"), 0o600))
		c := guideClient(t, srv, cometchatcalls.WithSessionStore(cometchatcalls.NewFileStore(path)))
		_, err := c.GetLoggedInUser(t.Context())
		return err
	}},
	"The client was closed": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		c := guideClient(t, srv)
		require.NoError(t, c.Close())
		_, err := c.Login(t.Context(), "cometchat-uid-1", srv.AuthKey())
		return err
	}},
	"A login while another is in flight": {produce: func(t *testing.T, srv *cometchatcallstest.Server) error {
		c := guideClient(t, srv)
		release := srv.Hold()
		first := make(chan error, 1)
		go func() {
			_, err := c.Login(t.Context(), "cometchat-uid-1", srv.AuthKey())
			first <- err
		}()
		require.NoError(t, srv.WaitHeld(t.Context(), 1))
		_, err := c.Login(t.Context(), "cometchat-uid-2", srv.AuthKey())
		release()
		assert.NoError(t, <-first, "the first login goes on")
		return err
	}},
}

// guideSentinels names every exported sentinel the guide may mention.
var guideSentinels = map[string]*cometchatcalls.Error{
	"ErrAPIKeyNotFound":    cometchatcalls.ErrAPIKeyNotFound,
	"ErrAPIKeyInvalid":     cometchatcalls.ErrAPIKeyInvalid,
	"ErrInvalidUID":        cometchatcalls.ErrInvalidUID,
	"ErrUIDWithSpace":      cometchatcalls.ErrUIDWithSpace,
	"ErrUIDNotFound":       cometchatcalls.ErrUIDNotFound,
	"ErrAuthTokenNotFound": cometchatcalls.ErrAuthTokenNotFound,
	"ErrTooManyRequests":   cometchatcalls.ErrTooManyRequests,
	"ErrNetwork":           cometchatcalls.ErrNetwork,
	"ErrServerUnavailable": cometchatcalls.ErrServerUnavailable,
	"ErrInvalidResponse":   cometchatcalls.ErrInvalidResponse,
	"ErrSessionStore":      cometchatcalls.ErrSessionStore,
	"ErrClientClosed":      cometchatcalls.ErrClientClosed,
	"ErrLoginInProgress":   cometchatcalls.ErrLoginInProgress,
	"ErrNoAccess":          cometchatcalls.ErrNoAccess,
	"ErrBlankAuthToken":    cometchatcalls.ErrBlankAuthToken,
}

func TestErrorGuide(t *testing.T) {
	rows := readErrorGuide(t, "README.md")
	seen := map[string]bool{}
	for _, row := range rows {
		seen[row.situation] = true
		t.Run(row.situation, func(t *testing.T) {
			t.Parallel()
			sit, ok := guideSituations[row.situation]
			require.True(t, ok, "the README's row %q has no situation in error_guide_test.go", row.situation)
			srv := emulator(t)
			err := sit.produce(t, srv)

			var e *cometchatcalls.Error
			require.True(t, errors.As(err, &e), "want an *Error, got %v", err)
			assert.Equal(t, row.code, e.Code, "code of %v", err)
			for _, name := range row.sentinels {
				sentinel, ok := guideSentinels[name]
				if assert.True(t, ok, "unknown sentinel %s in the README", name) {
					assert.ErrorIs(t, err, sentinel, "errors.Is(err, %s)", name)
				}
			}
			assert.Equal(t, row.retryable, e.Retryable(), "Retryable() of %v", err)
			assert.Equal(t, sit.status, e.HTTPStatus, "HTTPStatus of %v", err)
			if sit.check != nil {
				sit.check(t, e)
			}
		})
	}
	for situation := range guideSituations {
		assert.True(t, seen[situation], "situation %q is not in the README's table", situation)
	}
}

var (
	guideCodeRE     = regexp.MustCompile("^`([A-Z_]+)`")
	guideSentinelRE = regexp.MustCompile("`(Err[A-Za-z]+)`")
)

// readErrorGuide parses the table under the README's "Errors: what
// happened and what to do" heading.
func readErrorGuide(t *testing.T, path string) []guideRow {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var rows []guideRow
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## Errors: what happened and what to do"
			continue
		case !in || !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| situation "):
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		require.Len(t, cells, 5, "row %q", line)
		m := guideCodeRE.FindStringSubmatch(cells[1])
		require.NotNil(t, m, "no code in row %q", line)
		row := guideRow{situation: cells[0], code: m[1], retryable: cells[3] == "yes"}
		require.Contains(t, []string{"yes", "no"}, cells[3], "Retryable of row %q", line)
		for _, s := range guideSentinelRE.FindAllStringSubmatch(cells[2], -1) {
			row.sentinels = append(row.sentinels, s[1])
		}
		rows = append(rows, row)
	}
	require.NoError(t, sc.Err())
	require.GreaterOrEqual(t, len(rows), 10, "the README's error guide table")
	return rows
}
