package cometchatcallstest_test

import (
	"path/filepath"
	"testing"

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
