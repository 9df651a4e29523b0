package cometchatcallstest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestSessionStore_MemoryStore(t *testing.T) {
	t.Parallel()
	cometchatcallstest.TestSessionStore(t, func(*testing.T) cometchatcalls.SessionStore {
		return cometchatcalls.NewMemoryStore()
	})
}

func TestSessionStore_FileStore(t *testing.T) {
	t.Parallel()
	cometchatcallstest.TestSessionStore(t, func(t *testing.T) cometchatcalls.SessionStore {
		return cometchatcalls.NewFileStore(filepath.Join(t.TempDir(), "sessions.json"))
	})
}

// mapStore is a minimal correct store with compare and delete, so that the
// DeleteIfToken checks run whatever the SDK's own stores implement.
type mapStore struct {
	mu       sync.Mutex
	sessions map[string]cometchatcalls.Session
	// broken turns the store into one that breaks each promise, for
	// TestSessionStore_ReportsFailures.
	broken bool
}

func (m *mapStore) Load(ctx context.Context, appID string) (*cometchatcalls.Session, error) {
	if err := ctx.Err(); err != nil && !m.broken {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[appID]
	if !ok {
		return nil, nil
	}
	s.User.Metadata = copyJSON(s.User.Metadata)
	s.User.Tags = append([]string(nil), s.User.Tags...)
	return &s, nil
}

func (m *mapStore) Save(ctx context.Context, s *cometchatcalls.Session) error {
	if err := ctx.Err(); err != nil && !m.broken {
		return err
	}
	if s == nil {
		return errors.New("nil session")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.put(s)
	return nil
}

// put stores a deep copy of s; m.mu must be held.
func (m *mapStore) put(s *cometchatcalls.Session) {
	c := *s
	c.User.Metadata = copyJSON(c.User.Metadata)
	c.User.Tags = append([]string(nil), c.User.Tags...)
	if m.sessions == nil {
		m.sessions = map[string]cometchatcalls.Session{}
	}
	m.sessions[s.AppID] = c
}

func (m *mapStore) Delete(ctx context.Context, appID string) error {
	if err := ctx.Err(); err != nil && !m.broken {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, appID)
	return nil
}

func (m *mapStore) DeleteIfToken(ctx context.Context, appID, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sessions[appID]; ok && (s.AuthToken == token || m.broken) {
		delete(m.sessions, appID)
	}
	if m.broken { // and quote the token, as a careless store might
		return errors.New("DeleteIfToken: deleted the session with token " + token)
	}
	return nil
}

func (m *mapStore) SaveIfToken(ctx context.Context, s *cometchatcalls.Session, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s == nil {
		return errors.New("nil session")
	}
	// Compare and replace under one lock: released in between, a Save by
	// another client could land between them and be overwritten.
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.sessions[s.AppID]; ok && (old.AuthToken == token || m.broken) {
		m.put(s)
	}
	return nil
}

// copyJSON deep-copies a JSON-shaped value.
func copyJSON[T any](v T) T {
	var out any
	switch x := any(v).(type) {
	case map[string]any:
		if x == nil {
			return v
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = copyJSON(e)
		}
		out = m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = copyJSON(e)
		}
		out = l
	default:
		return v
	}
	return out.(T)
}

func TestSessionStore_ConditionalStore(t *testing.T) {
	t.Parallel()
	cometchatcallstest.TestSessionStore(t, func(*testing.T) cometchatcalls.SessionStore { return &mapStore{} })
}

// TestSessionStore_ReportsFailures runs the contract against a store that
// ignores its context and deletes whatever the token, in a child process
// (a failing subtest would fail this test too), and checks that the
// failures are reported, readable, and free of tokens.
func TestSessionStore_ReportsFailures(t *testing.T) {
	if os.Getenv("CONFORMANCE_BROKEN_STORE") == "1" {
		cometchatcallstest.TestSessionStore(t, func(*testing.T) cometchatcalls.SessionStore {
			return &mapStore{broken: true}
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSessionStore_ReportsFailures$", "-test.v")
	cmd.Env = append(os.Environ(), "CONFORMANCE_BROKEN_STORE=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the child run should fail:\n%s", out)
	text := string(out)

	for _, want := range []string{
		"--- FAIL: TestSessionStore_ReportsFailures/DoneContextChangesNothing",
		"Load with a cancelled context returned no error",
		"Save with an expired context returned no error",
		"after Delete with a cancelled context: Load returned no session, want the one of user \"conformance-uid-kept\"",
		"--- FAIL: TestSessionStore_ReportsFailures/DeleteIfToken",
		"after DeleteIfToken with another token: Load returned no session",
		"DeleteIfToken(\"conformance-app\") with the stored token: unexpected error: DeleteIfToken: deleted the session with token [token]",
		"--- FAIL: TestSessionStore_ReportsFailures/SaveIfToken",
		"after SaveIfToken with another token: User differs",
		"--- PASS: TestSessionStore_ReportsFailures/RoundTrip",
	} {
		assert.Contains(t, text, want)
	}
	assert.False(t, strings.Contains(text, "conformance-token-"), "a failure message shows a token")
	assert.False(t, strings.Contains(text, "panic"), "the child panicked:\n%s", out)
}

// ownTokenStore is a mapStore whose SaveIfToken compares the token that
// the new session carries instead of the one it is given: a Client always
// passes the same token, so only the contract test can catch it.
type ownTokenStore struct{ mapStore }

func (m *ownTokenStore) SaveIfToken(ctx context.Context, s *cometchatcalls.Session, token string) error {
	return m.mapStore.SaveIfToken(ctx, s, s.AuthToken)
}

// TestSessionStore_CatchesASaveIfTokenComparingTheWrongToken runs the
// contract against ownTokenStore in a child process and checks that
// SaveIfToken fails.
func TestSessionStore_CatchesASaveIfTokenComparingTheWrongToken(t *testing.T) {
	if os.Getenv("CONFORMANCE_OWN_TOKEN_STORE") == "1" {
		cometchatcallstest.TestSessionStore(t, func(*testing.T) cometchatcalls.SessionStore {
			return &ownTokenStore{}
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSessionStore_CatchesASaveIfTokenComparingTheWrongToken$", "-test.v")
	cmd.Env = append(os.Environ(), "CONFORMANCE_OWN_TOKEN_STORE=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the child run should fail:\n%s", out)
	text := string(out)
	assert.Contains(t, text, "--- FAIL: TestSessionStore_CatchesASaveIfTokenComparingTheWrongToken/SaveIfToken")
	assert.Contains(t, text, "after SaveIfToken with another token, sess carrying the stored one: User differs")
	assert.False(t, strings.Contains(text, "conformance-token-"), "a failure message shows a token")
}
