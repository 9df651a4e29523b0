package cometchatcalls

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServerUnavailable_ProxyPages: a 5xx without an envelope is
// ERROR_SERVER_UNAVAILABLE with its status, wrapping the invalid response;
// 502/503/504 are retried as before.
func TestServerUnavailable_ProxyPages(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		for kind, body := range map[string]string{"html": "<html><body>Bad Gateway</body></html>", "empty": ""} {
			t.Run(fmt.Sprintf("%d %s", status, kind), func(t *testing.T) {
				t.Parallel()
				c, mt := setup(t, WithRetries(1))
				recordWaits(c.t)
				ct := "text/html"
				if body == "" {
					ct = ""
				}
				mt.RegisterResponder(http.MethodPost, tokenURL, rawResponder(status, ct, body))
				_, err := c.Login(context.Background(), testUID, testAuthKey)
				e := requireCode(t, err, CodeServerUnavailable)
				assert.ErrorIs(t, err, ErrServerUnavailable)
				assert.ErrorIs(t, err, ErrInvalidResponse)
				var inner *Error
				require.ErrorAs(t, errors.Unwrap(err), &inner)
				assert.Equal(t, CodeInvalidResponse, inner.Code)
				assert.Equal(t, status, e.HTTPStatus)
				assert.Equal(t, status, inner.HTTPStatus)
				assert.True(t, e.Retryable())
				wantCalls := 2
				if status == 500 {
					wantCalls = 1 // a 500 may have done its work: not retried
				}
				assert.Equal(t, wantCalls, mt.GetTotalCallCount())
			})
		}
	}
}

// TestKeyErrors_NameTheKeyTheUserGave: CometChat says "apiKey" for any
// key; the message names the one the SDK sent.
func TestKeyErrors_NameTheKeyTheUserGave(t *testing.T) {
	t.Parallel()
	keyError := func(code, key string) httpmock.Responder {
		return errorResponder(404, code, "The apiKey "+key+" does not exist for the app "+testAppID+". Please make sure you are using a valid apiKey.")
	}
	t.Run("Client: the auth key", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t)
		mt.RegisterResponder(http.MethodPost, tokenURL, keyError(CodeAPIKeyInvalid, testAuthKey))
		_, err := c.Login(context.Background(), testUID, testAuthKey)
		e := requireCode(t, err, CodeAPIKeyInvalid)
		assert.Equal(t, "The auth key [REDACTED] does not exist for the app "+testAppID+". Please make sure you are using a valid auth key.", e.Message)
	})
	for _, code := range []string{CodeAPIKeyInvalid, CodeNoAccess} {
		t.Run("AdminClient: the REST API key, "+code, func(t *testing.T) {
			t.Parallel()
			a, mt, _ := adminSetup(t)
			mt.RegisterNoResponder(keyError(code, testAPIKey))
			_, err := a.CreateAuthToken(context.Background(), testUID, nil)
			e := requireCode(t, err, code)
			assert.Equal(t, "The REST API key [REDACTED] does not exist for the app "+testAppID+". Please make sure you are using a valid REST API key.", e.Message)
		})
	}
	t.Run("other codes and hosts keep the server's words", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t)
		mt.RegisterResponder(http.MethodPut, meURL, keyError(CodeAuthTokenNotFound, "x"))
		_, err := c.LoginWithAuthToken(context.Background(), testToken)
		e := requireCode(t, err, CodeAuthTokenNotFound)
		assert.Contains(t, e.Message, "The apiKey x")
	})
}

// TestReadBody_SizeHint: readBody trusts a declared size only to size its
// buffer. Whatever the declaration, it returns what the body holds (up to
// the limit), reads to EOF so the connection can be reused, and closes.
func TestReadBody_SizeHint(t *testing.T) {
	body := strings.Repeat("x", 1500)
	big := strings.Repeat("y", maxBodySize+10)
	tests := []struct {
		name     string
		body     string
		declared int64
		wantLen  int
		wantErr  bool
	}{
		{"exact", body, int64(len(body)), len(body), false},
		{"unknown size", body, -1, len(body), false},
		{"empty", "", 0, 0, false},
		{"longer than declared", body, 10, len(body), false},
		{"shorter than declared", body[:100], int64(len(body)), 100, false},
		{"declared over the limit", big, int64(len(big)), maxBodySize + 1, false},
		{"undeclared over the limit", big, -1, maxBodySize + 1, false},
		{"declared small, over the limit", big, 5, maxBodySize + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &readerOnly{r: iotest.HalfReader(strings.NewReader(tt.body))}
			got, err := readBody(rc, tt.declared)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if len(got) != tt.wantLen || !strings.HasPrefix(tt.body, string(got)) {
				t.Fatalf("read %d bytes, want the first %d", len(got), tt.wantLen)
			}
			if !rc.closed {
				t.Fatal("body not closed")
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		rc := &readerOnly{r: iotest.TimeoutReader(strings.NewReader(body))}
		if _, err := readBody(rc, int64(len(body))); err == nil {
			t.Fatal("no error")
		}
	})
}

// readerOnly hides everything but Read and Close.
type readerOnly struct {
	r      io.Reader
	closed bool
}

func (r *readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }
