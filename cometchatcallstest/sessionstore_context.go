package cometchatcallstest

import (
	"context"
	"testing"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// conformanceDoneContext checks that every method refuses a context that
// is already done, cancelled or past its deadline, and changes nothing: the
// SDK relies on it to bound store I/O by the caller's context.
func conformanceDoneContext(t *testing.T, s cometchatcalls.SessionStore) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()

	kept := conformanceSession("conformance-app", "kept")
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{{"a cancelled", cancelled}, {"an expired", expired}} {
		conformanceSave(t, s, kept) // again: a broken store may have lost it
		conformanceDelete(t, s, "conformance-app-new")
		if _, err := s.Load(c.ctx, "conformance-app"); err == nil {
			t.Errorf("Load with %s context returned no error", c.name)
		}
		if err := s.Save(c.ctx, conformanceSession("conformance-app", "replacement")); err == nil {
			t.Errorf("Save with %s context returned no error", c.name)
		}
		conformanceAssertSession(t, "after Save with "+c.name+" context", kept, conformanceLoad(t, s, "conformance-app"))
		if err := s.Save(c.ctx, conformanceSession("conformance-app-new", "new")); err == nil {
			t.Errorf("Save of a new app ID with %s context returned no error", c.name)
		}
		conformanceAssertNone(t, "after Save of a new app ID with "+c.name+" context", s, "conformance-app-new")
		if err := s.Delete(c.ctx, "conformance-app"); err == nil {
			t.Errorf("Delete with %s context returned no error", c.name)
		}
		conformanceAssertSession(t, "after Delete with "+c.name+" context", kept, conformanceLoad(t, s, "conformance-app"))
		if cd, ok := s.(cometchatcalls.ConditionalDeleter); ok {
			if err := cd.DeleteIfToken(c.ctx, "conformance-app", kept.AuthToken); err == nil {
				t.Errorf("DeleteIfToken with %s context returned no error", c.name)
			}
			conformanceAssertSession(t, "after DeleteIfToken with "+c.name+" context", kept, conformanceLoad(t, s, "conformance-app"))
		}
		if cs, ok := s.(cometchatcalls.ConditionalSaver); ok {
			if err := cs.SaveIfToken(c.ctx, conformanceSession("conformance-app", "kept-refreshed"), kept.AuthToken); err == nil {
				t.Errorf("SaveIfToken with %s context returned no error", c.name)
			}
			conformanceAssertSession(t, "after SaveIfToken with "+c.name+" context", kept, conformanceLoad(t, s, "conformance-app"))
		}
	}
}
