package cometchatcalls

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stateSession is a logged-in session of uid, for the state's tests.
func stateSession(uid string) *session {
	return &session{user: &User{UID: uid}, token: secret("tok-" + uid)}
}

// recordEvents registers a listener on s that appends what it hears to
// *got as "in:UID", "out", "fail:CODE" and "outfail:CODE".
func recordEvents(s *state, mu *sync.Mutex, got *[]string) {
	add := func(e string) {
		mu.Lock()
		*got = append(*got, e)
		mu.Unlock()
	}
	s.addListener("rec", LoginListener{
		OnLoginSuccess:  func(u *User) { add("in:" + u.UID) },
		OnLoginFailure:  func(e *Error) { add("fail:" + e.Code) },
		OnLogoutSuccess: func() { add("out") },
		OnLogoutFailure: func(e *Error) { add("outfail:" + e.Code) },
	})
}

func TestState_GateAdmitsOneOperation(t *testing.T) {
	var s state
	t1, e := s.claim(opLogin)
	require.Nil(t, e)
	for o, msg := range map[op]string{
		opLogin:  "Login is already in progress",
		opLogout: "Login is already in progress",
	} {
		_, e := s.claim(o)
		require.NotNil(t, e)
		assert.Equal(t, CodeLoginInProgress, e.Code)
		assert.Equal(t, msg, e.Message)
	}
	_, ok := s.claimIfCurrent(opRefresh, s.session())
	assert.False(t, ok, "a refresh took a gate a login holds")

	s.release(t1)
	t2, e := s.claim(opLogout)
	require.Nil(t, e)
	_, e = s.claim(opLogin)
	require.NotNil(t, e)
	assert.Equal(t, "Logout is in progress", e.Message)

	s.release(t1) // an ended claim frees nothing
	_, e = s.claim(opLogin)
	assert.NotNil(t, e, "releasing an ended claim freed a later one")
	s.release(t2)
	_, e = s.claim(opLogin)
	assert.Nil(t, e)
}

func TestState_RefreshAndForcedLogoutGiveWay(t *testing.T) {
	var s state
	a := stateSession("a")
	require.Same(t, a, s.restore(a))
	assert.Same(t, a, s.restore(stateSession("b")), "a second restore replaced the session")

	_, ok := s.claimIfCurrent(opRefresh, stateSession("a"))
	assert.False(t, ok, "a refresh of a session that is not current took the gate")
	tr, ok := s.claimIfCurrent(opRefresh, a)
	require.True(t, ok)
	_, e := s.claim(opLogin)
	require.NotNil(t, e)
	assert.Equal(t, "the session is being saved; try again", e.Message)

	// A forced logout while the refresh holds the gate ends the session
	// but does not claim the gate.
	tf, ended := s.forceEnd(a)
	assert.True(t, ended)
	assert.Zero(t, tf)
	assert.Same(t, noSession, s.session())
	assert.False(t, s.replace(a, stateSession("a")), "a refresh brought an ended session back")
	s.release(tr)

	_, ended = s.forceEnd(a)
	assert.False(t, ended, "a session was ended twice")
	b := stateSession("b")
	require.True(t, s.replace(noSession, b))
	tf, ended = s.forceEnd(b)
	require.True(t, ended)
	assert.NotZero(t, tf, "a forced logout with the gate free did not claim it")
	_, e = s.claim(opLogout)
	assert.NotNil(t, e)
	s.release(tf)
}

func TestState_CommitQueuesInTheOrderOfTheChanges(t *testing.T) {
	var s state
	var mu sync.Mutex
	var got []string
	recordEvents(&s, &mu, &got)
	s.restore(noSession)

	t1, _ := s.claim(opLogin)
	s.commit(t1, stateSession("a"), event{kind: evLoginSuccess, user: &User{UID: "a"}})
	t2, _ := s.claim(opLogin)
	s.commit(t2, nil, event{kind: evLoginFailure, err: newError("ERR_X", "x")})
	t3, _ := s.claim(opLogin)
	s.commit(t3, stateSession("b"), event{kind: evLoginSuccess, user: &User{UID: "b"}}) // replaces a
	tf, _ := s.forceEnd(s.session())
	s.release(tf)
	assert.Empty(t, got, "events were delivered before deliver")

	s.deliver()
	assert.Equal(t, []string{"in:a", "fail:ERR_X", "out", "in:b", "out"}, got)
	_, e := s.claim(opLogin)
	assert.Nil(t, e, "commit did not free the gate")
}

// TestState_ListenersCallBackInOrder: a listener that changes the state
// (as one calling Logout or Login would) is never re-entered; its events
// follow once it returns, in the order of the changes.
func TestState_ListenersCallBackInOrder(t *testing.T) {
	var s state
	var got []string
	s.restore(noSession)
	s.addListener("rec", LoginListener{
		OnLoginSuccess: func(u *User) {
			got = append(got, "in:"+u.UID)
			if u.UID == "a" {
				t2, e := s.claim(opLogin) // the gate is free: no lock is held here
				require.Nil(t, e)
				s.commit(t2, stateSession("b"), event{kind: evLoginSuccess, user: &User{UID: "b"}})
				s.deliver() // delivery is in progress: returns at once
				got = append(got, "listener returns")
			}
		},
		OnLogoutSuccess: func() { got = append(got, "out") },
	})
	t1, _ := s.claim(opLogin)
	s.commit(t1, stateSession("a"), event{kind: evLoginSuccess, user: &User{UID: "a"}})
	s.deliver()
	assert.Equal(t, []string{"in:a", "listener returns", "out", "in:b"}, got)
}

// TestState_PanickingListenerKeepsTheRest: a listener that panics loses
// nothing but the event it was hearing; the next deliver hands out the
// rest, in order, and the gate was never held.
func TestState_PanickingListenerKeepsTheRest(t *testing.T) {
	var s state
	var mu sync.Mutex
	var got []string
	s.restore(noSession)
	s.addListener("boom", LoginListener{OnLoginSuccess: func(u *User) {
		if u.UID == "a" {
			panic("listener")
		}
	}})
	recordEvents(&s, &mu, &got)
	for _, uid := range []string{"a", "b", "c"} {
		tk, e := s.claim(opLogin)
		require.Nil(t, e)
		s.commit(tk, stateSession(uid), event{kind: evLoginSuccess, user: &User{UID: uid}})
	}
	assert.PanicsWithValue(t, "listener", s.deliver)
	assert.Equal(t, []string(nil), got, "the panic came before the recorder heard a")
	_, e := s.claim(opLogout)
	assert.Nil(t, e, "a panic in a listener left the gate taken")

	s.deliver()
	assert.Equal(t, []string{"out", "in:b", "out", "in:c"}, got)
}

// TestState_ReleaseAfterAPanicFreesTheGate: a claimer whose user code
// panics (a SessionStore, a log handler) frees the gate through its
// deferred release.
func TestState_ReleaseAfterAPanicFreesTheGate(t *testing.T) {
	var s state
	assert.Panics(t, func() {
		tk, e := s.claim(opLogin)
		require.Nil(t, e)
		defer s.release(tk)
		panic("store")
	})
	_, e := s.claim(opLogin)
	assert.Nil(t, e)
}

// TestState_ConcurrentCommitsAreHeardInOrder runs logins and logouts from
// many goroutines, each delivering, and checks under -race that every
// listener heard the events in one order that alternates as the session
// did: a login, then the logout of that session, never two logins without
// a logout between them.
func TestState_ConcurrentCommitsAreHeardInOrder(t *testing.T) {
	var s state
	s.restore(noSession)
	var mu sync.Mutex
	var got []string
	recordEvents(&s, &mu, &got)

	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				tk, e := s.claim(opLogin)
				if e != nil {
					continue // another worker holds the gate: as ERROR_LOGIN_IN_PROGRESS
				}
				uid := fmt.Sprintf("u%d-%d", w, i)
				if i%3 == 2 {
					s.forceEnd(s.session())
					s.release(tk)
				} else {
					s.commit(tk, stateSession(uid), event{kind: evLoginSuccess, user: &User{UID: uid}})
				}
				s.deliver()
			}
		}()
	}
	wg.Wait()
	s.deliver()

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, got)
	loggedIn := false
	for i, e := range got {
		switch e {
		case "out":
			assert.True(t, loggedIn, "event %d: a logout with nobody logged in", i)
			loggedIn = false
		default:
			assert.False(t, loggedIn, "event %d (%s): a login without the logout of the session before", i, e)
			loggedIn = true
		}
	}
	assert.Equal(t, loggedIn, s.session().user != nil, "the last event heard does not say what the session is")
}
