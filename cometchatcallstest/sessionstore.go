package cometchatcallstest

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// TestSessionStore runs the SessionStore contract against any
// implementation, one subtest per promise, each with a fresh store from
// newStore:
//
//   - Load of an app ID with no session returns (nil, nil);
//   - Save then Load gives back every field: the user (Metadata with nested
//     maps and lists, Tags), the auth token, and CreatedAt at least to the
//     second (both times are truncated to the second, then compared with
//     time.Equal, so a store may drop sub-second digits and the location);
//   - Save replaces the session of its app ID;
//   - Load returns a copy: changing it, its Metadata or its Tags changes
//     nothing stored;
//   - Save keeps no reference to its argument;
//   - Delete removes, and Delete of an unknown app ID is not an error;
//   - app IDs are independent;
//   - Save(ctx, nil) returns an error;
//   - a call whose context is already cancelled or past its deadline
//     returns an error and changes nothing;
//   - when the store implements cometchatcalls.ConditionalDeleter:
//     DeleteIfToken deletes only while the stored token matches, and returns
//     nil when nothing matched (another token, an unknown app ID);
//   - when the store implements cometchatcalls.ConditionalSaver:
//     SaveIfToken replaces only while the stored token matches the token
//     it is given (not the one the new session carries), saves
//     nothing for an app ID with no session, and returns nil when nothing
//     matched;
//   - concurrent Save, Load and Delete on several app IDs are safe (run the
//     tests with -race), and every Load sees either nil or a whole session.
//
// Metadata values are the ones encoding/json produces (string, float64,
// bool, nil, []any, map[string]any), so stores that persist through JSON
// pass. Failures are reported with t.Errorf and t.Fatalf; their messages
// never show a token, not even one the store quotes in its own errors.
//
// Use it from a test of your own store:
//
//	func TestRedisStore(t *testing.T) {
//		cometchatcallstest.TestSessionStore(t, func(t *testing.T) cometchatcalls.SessionStore {
//			return newRedisStore(t)
//		})
//	}
func TestSessionStore(t *testing.T, newStore func(t *testing.T) cometchatcalls.SessionStore) {
	t.Helper()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s cometchatcalls.SessionStore)
	}{
		{"LoadUnknownAppIsNil", conformanceLoadUnknown},
		{"RoundTrip", conformanceRoundTrip},
		{"SaveReplaces", conformanceSaveReplaces},
		{"LoadReturnsCopy", conformanceLoadReturnsCopy},
		{"SaveKeepsNoReference", conformanceSaveKeepsNoReference},
		{"DeleteRemoves", conformanceDeleteRemoves},
		{"DeleteUnknownAppIsNotAnError", conformanceDeleteUnknown},
		{"AppIDsAreIndependent", conformanceAppIDsIndependent},
		{"SaveNilIsAnError", conformanceSaveNil},
		{"DoneContextChangesNothing", conformanceDoneContext},
		{"DeleteIfToken", conformanceDeleteIfToken},
		{"SaveIfToken", conformanceSaveIfToken},
		{"ConcurrentUse", conformanceConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned a nil SessionStore")
			}
			tc.run(t, s)
		})
	}
}

// conformanceSession builds a session with every field set. Its token is
// derived from appID and tag, so tests can tell sessions apart without
// printing tokens.
func conformanceSession(appID, tag string) *cometchatcalls.Session {
	return &cometchatcalls.Session{
		AppID: appID,
		User: cometchatcalls.User{
			UID:           "conformance-uid-" + tag,
			Name:          "Conformance " + tag,
			Avatar:        "https://example.com/avatar/" + tag + ".png",
			Status:        cometchatcalls.StatusOnline,
			Role:          "default",
			Link:          "https://example.com/u/" + tag,
			StatusMessage: "testing " + tag,
			Metadata: map[string]any{
				"plan": "pro",
				"nested": map[string]any{
					"level": float64(2),
					"list":  []any{"a", float64(1), true, nil, map[string]any{"deep": "yes"}},
				},
			},
			Tags:         []string{"conformance", tag},
			LastActiveAt: 1700000000,
			CreatedAt:    1600000000,
		},
		AuthToken: conformanceTokenPrefix + appID + "-" + tag,
		CreatedAt: time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("conformance", 3600)),
	}
}

// conformanceTokenPrefix starts every token the contract saves, so that
// conformanceRedact can find them in a store's error text.
const conformanceTokenPrefix = "conformance-token-"

var conformanceTokenRE = regexp.MustCompile(regexp.QuoteMeta(conformanceTokenPrefix) + `\S*`)

// conformanceRedact returns err's text with every conformance token
// replaced: a store under test may quote the token in its errors, and a
// failure message must not repeat it.
func conformanceRedact(err error) string {
	return conformanceTokenRE.ReplaceAllString(fmt.Sprint(err), "[token]")
}

// conformanceAssertSession compares got with want field by field. Tokens
// are compared without being printed.
func conformanceAssertSession(t *testing.T, what string, want, got *cometchatcalls.Session) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: Load returned no session, want the one of user %q", what, want.User.UID)
		return
	}
	if got.AppID != want.AppID {
		t.Errorf("%s: AppID = %q, want %q", what, got.AppID, want.AppID)
	}
	if !reflect.DeepEqual(got.User, want.User) { // User has no secret field
		t.Errorf("%s: User differs\n got: %+v\nwant: %+v", what, got.User, want.User)
	}
	if got.AuthToken != want.AuthToken {
		t.Errorf("%s: the auth token differs from the one saved with user %q (a store must give back "+
			"the token it was given; cometchatcalls.EncodeSession and DecodeSession keep it)", what, want.User.UID)
	}
	if !want.CreatedAt.Truncate(time.Second).Equal(got.CreatedAt.Truncate(time.Second)) {
		t.Errorf("%s: CreatedAt = %s, want %s (compared to the second)", what, got.CreatedAt, want.CreatedAt)
	}
}

// conformanceAssertNone fails when appID still has a session.
func conformanceAssertNone(t *testing.T, what string, s cometchatcalls.SessionStore, appID string) {
	t.Helper()
	if got := conformanceLoad(t, s, appID); got != nil {
		t.Errorf("%s: Load(%q) returned the session of user %q, want none", what, appID, got.User.UID)
	}
}

func conformanceLoad(t *testing.T, s cometchatcalls.SessionStore, appID string) *cometchatcalls.Session {
	t.Helper()
	got, err := s.Load(context.Background(), appID)
	if err != nil {
		t.Fatalf("Load(%q): unexpected error: %s", appID, conformanceRedact(err))
	}
	return got
}

func conformanceSave(t *testing.T, s cometchatcalls.SessionStore, sess *cometchatcalls.Session) {
	t.Helper()
	if err := s.Save(context.Background(), sess); err != nil {
		t.Fatalf("Save(%q): unexpected error: %s", sess.AppID, conformanceRedact(err))
	}
}

func conformanceDelete(t *testing.T, s cometchatcalls.SessionStore, appID string) {
	t.Helper()
	if err := s.Delete(context.Background(), appID); err != nil {
		t.Errorf("Delete(%q): unexpected error: %s", appID, conformanceRedact(err))
	}
}

func conformanceLoadUnknown(t *testing.T, s cometchatcalls.SessionStore) {
	conformanceAssertNone(t, "unknown app ID", s, "conformance-unknown-app")
}

func conformanceRoundTrip(t *testing.T, s cometchatcalls.SessionStore) {
	conformanceSave(t, s, conformanceSession("conformance-app", "round-trip"))
	conformanceAssertSession(t, "after Save", conformanceSession("conformance-app", "round-trip"), conformanceLoad(t, s, "conformance-app"))
}

func conformanceSaveReplaces(t *testing.T, s cometchatcalls.SessionStore) {
	conformanceSave(t, s, conformanceSession("conformance-app", "first"))
	second := conformanceSession("conformance-app", "second")
	second.User.Metadata = map[string]any{"only": "this"}
	second.User.Tags = []string{"replaced"}
	conformanceSave(t, s, second)
	conformanceAssertSession(t, "after a second Save", second, conformanceLoad(t, s, "conformance-app"))
}

func conformanceLoadReturnsCopy(t *testing.T, s cometchatcalls.SessionStore) {
	conformanceSave(t, s, conformanceSession("conformance-app", "copy"))
	got := conformanceLoad(t, s, "conformance-app")
	if got == nil {
		t.Fatal("Load returned no session after Save")
	}
	conformanceMutate(got)
	conformanceAssertSession(t, "after changing what Load returned", conformanceSession("conformance-app", "copy"), conformanceLoad(t, s, "conformance-app"))
}

func conformanceSaveKeepsNoReference(t *testing.T, s cometchatcalls.SessionStore) {
	sess := conformanceSession("conformance-app", "no-reference")
	conformanceSave(t, s, sess)
	conformanceMutate(sess)
	conformanceAssertSession(t, "after changing the saved value", conformanceSession("conformance-app", "no-reference"), conformanceLoad(t, s, "conformance-app"))
}

// conformanceMutate changes every part of sess a store might share: scalar
// fields, the Metadata map and the maps and lists nested in it, the Tags.
func conformanceMutate(sess *cometchatcalls.Session) {
	sess.AuthToken = conformanceTokenPrefix + "mutated"
	sess.CreatedAt = sess.CreatedAt.Add(-48 * time.Hour)
	sess.User.Name = "mutated"
	sess.User.Metadata["plan"] = "mutated"
	sess.User.Metadata["added"] = true
	if nested, ok := sess.User.Metadata["nested"].(map[string]any); ok {
		nested["level"] = float64(99)
		if list, ok := nested["list"].([]any); ok && len(list) > 0 {
			list[0] = "mutated"
			if deep, ok := list[len(list)-1].(map[string]any); ok {
				deep["deep"] = "mutated"
			}
		}
	}
	if len(sess.User.Tags) > 0 {
		sess.User.Tags[0] = "mutated"
	}
}

func conformanceDeleteRemoves(t *testing.T, s cometchatcalls.SessionStore) {
	conformanceSave(t, s, conformanceSession("conformance-app", "delete"))
	conformanceDelete(t, s, "conformance-app")
	conformanceAssertNone(t, "after Delete", s, "conformance-app")
}

func conformanceDeleteUnknown(t *testing.T, s cometchatcalls.SessionStore) {
	conformanceDelete(t, s, "conformance-unknown-app") // empty store
	conformanceSave(t, s, conformanceSession("conformance-app", "kept"))
	conformanceDelete(t, s, "conformance-unknown-app")
	conformanceAssertSession(t, "after Delete of another app ID", conformanceSession("conformance-app", "kept"), conformanceLoad(t, s, "conformance-app"))
}

func conformanceAppIDsIndependent(t *testing.T, s cometchatcalls.SessionStore) {
	a := conformanceSession("conformance-app-a", "a")
	b := conformanceSession("conformance-app-b", "b")
	conformanceSave(t, s, a)
	conformanceSave(t, s, b)
	conformanceAssertSession(t, "app a", a, conformanceLoad(t, s, "conformance-app-a"))
	conformanceAssertSession(t, "app b", b, conformanceLoad(t, s, "conformance-app-b"))

	conformanceSave(t, s, conformanceSession("conformance-app-a", "a2"))
	conformanceAssertSession(t, "app b after a Save to app a", b, conformanceLoad(t, s, "conformance-app-b"))

	conformanceDelete(t, s, "conformance-app-a")
	conformanceAssertNone(t, "app a after its Delete", s, "conformance-app-a")
	conformanceAssertSession(t, "app b after a Delete of app a", b, conformanceLoad(t, s, "conformance-app-b"))
}

func conformanceSaveNil(t *testing.T, s cometchatcalls.SessionStore) {
	if err := s.Save(context.Background(), nil); err == nil {
		t.Error("Save(ctx, nil) returned nil, want an error")
	}
}

// conformanceConcurrent runs goroutines that save, load and delete on a few
// app IDs at once. Each saved session's token and user name carry the same
// tag, so a Load that mixes two writes (a torn session) is caught.
func conformanceConcurrent(t *testing.T, s cometchatcalls.SessionStore) {
	const (
		workers = 8
		rounds  = 20
	)
	apps := []string{"conformance-app-0", "conformance-app-1", "conformance-app-2"}
	ctx := context.Background()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				app := apps[(w+i)%len(apps)]
				tag := fmt.Sprintf("w%d-r%d", w, i)
				switch i % 4 {
				case 0, 1:
					if err := s.Save(ctx, conformanceSession(app, tag)); err != nil {
						fail("Save(%q): %s", app, conformanceRedact(err))
					}
				case 2:
					if err := s.Delete(ctx, app); err != nil {
						fail("Delete(%q): %s", app, conformanceRedact(err))
					}
				}
				got, err := s.Load(ctx, app)
				if err != nil {
					fail("Load(%q): %s", app, conformanceRedact(err))
					continue
				}
				if got == nil {
					continue
				}
				gotTag, ok := strings.CutPrefix(got.User.UID, "conformance-uid-")
				switch {
				case !ok || got.AppID != app:
					fail("Load(%q) returned a session for app %q, uid %q", app, got.AppID, got.User.UID)
				case got.AuthToken != conformanceTokenPrefix+app+"-"+gotTag:
					fail("Load(%q): the token does not belong to the user %q saved with it (torn session)", app, got.User.UID)
				case got.User.Name != "Conformance "+gotTag || len(got.User.Tags) != 2 || got.User.Tags[1] != gotTag:
					fail("Load(%q): the user %q is incomplete or mixed with another save", app, got.User.UID)
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
}
