package cometchatcallstest

import (
	"context"
	"testing"

	"github.com/cometchat-go/cometchatcalls"
)

// conformanceDeleteIfToken checks the compare-and-delete of a store that
// implements cometchatcalls.ConditionalDeleter (and is skipped for one that
// does not): it deletes only while the stored token is the given one, and
// returns nil when nothing matched.
func conformanceDeleteIfToken(t *testing.T, s cometchatcalls.SessionStore) {
	cd, ok := s.(cometchatcalls.ConditionalDeleter)
	if !ok {
		t.Skipf("%T does not implement cometchatcalls.ConditionalDeleter", s)
	}
	ctx := context.Background()
	deleteIf := func(what, appID, token string) {
		t.Helper()
		if err := cd.DeleteIfToken(ctx, appID, token); err != nil {
			t.Errorf("DeleteIfToken(%q) %s: unexpected error: %s", appID, what, conformanceRedact(err))
		}
	}

	deleteIf("of an app ID with no session", "conformance-unknown-app", conformanceTokenPrefix+"unknown")

	first := conformanceSession("conformance-app", "first")
	conformanceSave(t, s, first)
	other := conformanceSession("conformance-app-other", "other")
	conformanceSave(t, s, other)
	deleteIf("with another token", "conformance-app", conformanceTokenPrefix+"someone-else")
	conformanceAssertSession(t, "after DeleteIfToken with another token", first, conformanceLoad(t, s, "conformance-app"))
	deleteIf("with an empty token", "conformance-app", "")
	conformanceAssertSession(t, "after DeleteIfToken with an empty token", first, conformanceLoad(t, s, "conformance-app"))

	second := conformanceSession("conformance-app", "second")
	conformanceSave(t, s, second)
	deleteIf("with the token of the session Save replaced", "conformance-app", first.AuthToken)
	conformanceAssertSession(t, "after DeleteIfToken with a replaced session's token", second, conformanceLoad(t, s, "conformance-app"))

	deleteIf("with the stored token", "conformance-app", second.AuthToken)
	conformanceAssertNone(t, "after DeleteIfToken with the stored token", s, "conformance-app")
	conformanceAssertSession(t, "another app ID after DeleteIfToken", other, conformanceLoad(t, s, "conformance-app-other"))
}

// conformanceSaveIfToken checks the compare-and-swap of a store that
// implements cometchatcalls.ConditionalSaver (and is skipped for one that
// does not): it replaces only while the stored token is the given one,
// saves nothing where no session is stored, and returns nil when nothing
// matched.
func conformanceSaveIfToken(t *testing.T, s cometchatcalls.SessionStore) {
	cs, ok := s.(cometchatcalls.ConditionalSaver)
	if !ok {
		t.Skipf("%T does not implement cometchatcalls.ConditionalSaver", s)
	}
	ctx := context.Background()
	saveIf := func(what string, sess *cometchatcalls.Session, token string) {
		t.Helper()
		if err := cs.SaveIfToken(ctx, sess, token); err != nil {
			t.Errorf("SaveIfToken(%q) %s: unexpected error: %s", sess.AppID, what, conformanceRedact(err))
		}
	}

	unknown := conformanceSession("conformance-unknown-app", "unknown")
	saveIf("of an app ID with no session", unknown, unknown.AuthToken)
	conformanceAssertNone(t, "after SaveIfToken of an app ID with no session", s, "conformance-unknown-app")

	first := conformanceSession("conformance-app", "first")
	conformanceSave(t, s, first)
	other := conformanceSession("conformance-app-other", "other")
	conformanceSave(t, s, other)
	stale := conformanceSession("conformance-app", "stale")
	saveIf("with another token", stale, stale.AuthToken)
	conformanceAssertSession(t, "after SaveIfToken with another token", first, conformanceLoad(t, s, "conformance-app"))
	saveIf("with an empty token", stale, "")
	conformanceAssertSession(t, "after SaveIfToken with an empty token", first, conformanceLoad(t, s, "conformance-app"))

	// The token compared is authToken, not the one sess carries.
	refreshed := conformanceSession("conformance-app", "first")
	refreshed.User.Name = "Refreshed"
	saveIf("with another token, sess carrying the stored one", refreshed, stale.AuthToken)
	conformanceAssertSession(t, "after SaveIfToken with another token, sess carrying the stored one", first, conformanceLoad(t, s, "conformance-app"))

	saveIf("with the stored token", refreshed, first.AuthToken)
	conformanceAssertSession(t, "after SaveIfToken with the stored token", refreshed, conformanceLoad(t, s, "conformance-app"))
	conformanceAssertSession(t, "another app ID after SaveIfToken", other, conformanceLoad(t, s, "conformance-app-other"))
}
