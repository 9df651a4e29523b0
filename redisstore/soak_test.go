package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/redisstore"
)

// TestSoak_Stores runs many goroutines, each on a Redis connection of its
// own, saving, loading, deleting, compare-and-deleting and compare-and-
// saving the sessions of several app IDs at once. Every session it loads
// must be whole: its token belongs to the user saved with it. Run with
// -race.
func TestSoak_Stores(t *testing.T) {
	const (
		workers = 16
		rounds  = 60
		apps    = 4
	)
	rdb := newRedis(t)
	prefix := testPrefix(t, rdb)
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
		store := redisstore.New(newRedis(t), redisstore.WithKeyPrefix(prefix))
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last *cometchatcalls.Session
			for i := range rounds {
				app := fmt.Sprintf("soak-app-%d", (w+i)%apps)
				s := session(app, fmt.Sprintf("uid-w%d", w), fmt.Sprintf("r%d", i))
				var err error
				switch i % 5 {
				case 0, 1:
					err = store.Save(ctx, s)
					last = s
				case 2:
					err = store.Delete(ctx, app)
				case 3:
					if last != nil {
						err = store.DeleteIfToken(ctx, last.AppID, last.AuthToken)
					}
				case 4:
					if last != nil {
						err = store.SaveIfToken(ctx, last, last.AuthToken)
					}
				}
				if err != nil {
					fail("worker %d round %d: %v", w, i, err)
				}
				got, err := store.Load(ctx, app)
				switch {
				case err != nil:
					fail("Load(%q): %v", app, err)
				case got == nil:
				case got.AppID != app:
					fail("Load(%q) returned app %q", app, got.AppID)
				case got.AuthToken != "test-token-"+app+"-"+got.User.UID+"-"+fmt.Sprint(got.User.Metadata["tag"]):
					fail("Load(%q): the token does not belong to user %q (torn session)", app, got.User.UID)
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
}

// TestSoak_Clients runs instances of several apps (one emulator each) that
// log in, restore, validate and log out concurrently, every instance on a
// Redis connection of its own. Run with -race.
func TestSoak_Clients(t *testing.T) {
	const (
		apps        = 3
		perApp      = 4
		rounds      = 10
		usersPerApp = 5
	)
	rdb := newRedis(t)
	prefix := testPrefix(t, rdb)
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
	var logins atomic.Int64
	for a := range apps {
		srv := cometchatcallstest.NewServer(cometchatcallstest.WithAppID(fmt.Sprintf("soakapp%d", a)))
		t.Cleanup(srv.Close)
		for n := range perApp {
			c := instance(t, srv, prefix)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range rounds {
					uid := fmt.Sprintf("cometchat-uid-%d", 1+(n+i)%usersPerApp)
					// Instances of one app log the same users in and out:
					// the emulator may revoke a token another instance is
					// about to use, as CometChat would. Only a store
					// failure is a bug here.
					if _, err := c.Login(ctx, uid, srv.AuthKey()); err != nil {
						if isStoreError(err) {
							fail("app %d instance %d: Login: %v", a, n, err)
						}
						continue
					}
					logins.Add(1)
					if _, err := c.GetLoggedInUser(ctx); err != nil {
						fail("app %d instance %d: GetLoggedInUser: %v", a, n, err)
					}
					// Another instance may have logged this one's token out
					// on the server meanwhile; only a store failure is a bug.
					if _, err := c.ValidateSession(ctx); err != nil && isStoreError(err) {
						fail("app %d instance %d: ValidateSession: %v", a, n, err)
					}
					if err := c.Logout(ctx); err != nil && isStoreError(err) {
						fail("app %d instance %d: Logout: %v", a, n, err)
					}
				}
			}()
		}
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if logins.Load() == 0 {
		t.Error("no Login succeeded")
	}
}

func isStoreError(err error) bool { return errors.Is(err, cometchatcalls.ErrSessionStore) }
