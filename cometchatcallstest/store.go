package cometchatcallstest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// store is the emulator's state: users and their auth tokens. Every method
// takes the lock; stored users are never changed in place except for their
// presence fields, and Metadata and Tags are never shared with callers.
type store struct {
	mu     sync.Mutex
	now    func() time.Time
	users  map[string]*userRecord
	tokens map[string]string // auth token → uid
	calls  callTokens        // call tokens issued (calls.go)
	// userBytes is the JSON size of the users clients created and did not
	// delete for good (see maxUsersJSON).
	userBytes int
}

type userRecord struct {
	user          cometchatcalls.User // Metadata and Tags owned, never mutated
	updatedAt     int64
	deactivatedAt int64
	tokens        []tokenRecord // oldest first
	jsonBytes     int           // counted in store.userBytes
}

type tokenRecord struct {
	token     string
	createdAt int64
}

func newStore(now func() time.Time) *store {
	st := &store{now: now, users: map[string]*userRecord{}, tokens: map[string]string{}}
	for _, u := range sampleUsers() {
		st.users[u.UID] = &userRecord{user: u, updatedAt: u.CreatedAt}
	}
	return st
}

// sampleCreatedAt is the creation time of the sample users (2021-01-01 UTC),
// fixed so that answers are reproducible.
const sampleCreatedAt = 1609459200

// sampleUsers returns the five users every new CometChat app starts with.
func sampleUsers() []cometchatcalls.User {
	names := []string{"Andrew Joseph", "George Alan", "Nancy Grace", "Susan Marie", "John Paul"}
	users := make([]cometchatcalls.User, len(names))
	for i, name := range names {
		uid := "cometchat-uid-" + strconv.Itoa(i+1)
		users[i] = cometchatcalls.User{
			UID:       uid,
			Name:      name,
			Avatar:    "https://assets.cometchat.io/sampleapp/v2/users/" + uid + ".webp",
			Status:    cometchatcalls.StatusOffline,
			Role:      "default",
			CreatedAt: sampleCreatedAt,
		}
	}
	return users
}

// validUID reports whether uid follows CometChat's documented rule:
// 1 to 100 characters from [A-Za-z0-9_-].
func validUID(uid string) bool {
	if uid == "" || len(uid) > 100 {
		return false
	}
	for i := 0; i < len(uid); i++ {
		c := uid[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// checkNewUser validates u as POST /users does.
func checkNewUser(u cometchatcalls.User) *apiError {
	switch {
	case u.UID == "":
		return errBadRequest(map[string]string{"uid": "The uid field is required."}, "Failed to validate the data sent with the request: the uid field is required.")
	case !validUID(u.UID):
		return errBadRequest(map[string]string{"uid": "The uid may only contain letters, numbers, underscores and hyphens, at most 100 characters."},
			"Failed to validate the data sent with the request: the uid %q is invalid.", u.UID)
	case u.Name == "":
		return errBadRequest(map[string]string{"name": "The name field is required."}, "Failed to validate the data sent with the request: the name field is required.")
	}
	return nil
}

// ownCopy returns u with Metadata and Tags copied, Metadata through a JSON
// round trip so that it holds only what the wire can carry.
func ownCopy(u cometchatcalls.User) (cometchatcalls.User, *apiError) {
	if u.Metadata != nil {
		b, err := json.Marshal(u.Metadata)
		var m map[string]any
		if err == nil {
			err = json.Unmarshal(b, &m)
		}
		if err != nil {
			return u, errBadRequest(map[string]string{"metadata": "The metadata must be a JSON object."}, "Failed to validate the data sent with the request: %v.", err)
		}
		u.Metadata = m
	}
	if u.Tags != nil {
		u.Tags = append([]string(nil), u.Tags...)
	}
	return u, nil
}

// The users clients can make the emulator keep are bounded, so that its
// memory stays bounded whatever they send (with the call tokens and the
// request log, under about 256 MB): at most maxUsers users, each at most
// maxUserBytes of JSON, all of them at most maxUsersJSON. The last bound
// is the one that counts for memory: metadata of many tiny keys takes
// about twelve times its JSON size as a map. These are the emulator's
// limits, not CometChat's.
const (
	maxUsers     = 10000
	maxUserBytes = 4 << 10
	maxUsersJSON = 4 << 20
)

// create adds a user; with withToken it also issues an auth token.
func (st *store) create(u cometchatcalls.User, withToken bool) (userView, string, *apiError) {
	if e := checkNewUser(u); e != nil {
		return userView{}, "", e
	}
	u, e := ownCopy(u)
	if e != nil {
		return userView{}, "", e
	}
	b, _ := json.Marshal(u)
	if len(b) > maxUserBytes {
		return userView{}, "", errBadRequest(map[string]string{"metadata": fmt.Sprintf("The emulator keeps at most %d bytes of JSON a user.", maxUserBytes)},
			"Failed to validate the data sent with the request: the user is %d bytes of JSON, more than the emulator's %d.", len(b), maxUserBytes)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.users[u.UID]; ok { // deactivated users keep their uid
		return userView{}, "", errUIDAlreadyExists(u.UID)
	}
	if withToken {
		if e := st.tokenRoomLocked(nil); e != nil {
			return userView{}, "", e
		}
	}
	if len(st.users) >= maxUsers || st.userBytes+len(b) > maxUsersJSON {
		return userView{}, "", errBadRequest(map[string]string{"uid": fmt.Sprintf(
			"The emulator keeps at most %d users and %d bytes of their JSON; delete some for good first.", maxUsers, maxUsersJSON)},
			"Failed to validate the data sent with the request: the emulator keeps as many users as it can.")
	}
	now := st.now().Unix()
	if u.Role == "" {
		u.Role = "default"
	}
	if u.Status == "" {
		u.Status = cometchatcalls.StatusOffline
	}
	if u.CreatedAt == 0 {
		u.CreatedAt = now
	}
	rec := &userRecord{user: u, updatedAt: now, jsonBytes: len(b)}
	st.users[u.UID] = rec
	st.userBytes += len(b)
	token := ""
	if withToken {
		token = st.issueLocked(rec).token
	}
	return rec.view(), token, nil
}

// active returns the user uid unless it is unknown or deactivated. The
// caller holds the lock.
func (st *store) active(uid string) (*userRecord, *apiError) {
	rec, ok := st.users[uid]
	if !ok || rec.deactivatedAt != 0 {
		return nil, errUIDNotFound(uid)
	}
	return rec, nil
}

// get returns the user uid as GET /users/{uid} shows it.
func (st *store) get(uid string) (userView, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.active(uid)
	if e != nil {
		return userView{}, e
	}
	return rec.view(), nil
}

// activeUsers returns every active user as GET /users shows it, sorted by
// uid so that pages are stable.
func (st *store) activeUsers() []userView {
	st.mu.Lock()
	defer st.mu.Unlock()
	views := make([]userView, 0, len(st.users))
	for _, rec := range st.users {
		if rec.deactivatedAt == 0 {
			views = append(views, rec.view())
		}
	}
	slices.SortFunc(views, func(a, b userView) int { return strings.Compare(a.UID, b.UID) })
	return views
}

// user returns a deep copy of the active user uid.
func (st *store) user(uid string) (cometchatcalls.User, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.active(uid)
	if e != nil {
		return cometchatcalls.User{}, false
	}
	u, _ := ownCopy(rec.user) // stored metadata always survives the round trip
	return u, true
}

// remove deletes the user uid for good (permanent) or deactivates it; both
// revoke all its tokens. A deactivated user can still be deleted for good.
func (st *store) remove(uid string, permanent bool) *apiError {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, ok := st.users[uid]
	if !ok || (!permanent && rec.deactivatedAt != 0) {
		return errUIDNotFound(uid)
	}
	st.flushLocked(rec)
	if permanent {
		delete(st.users, uid)
		st.userBytes -= rec.jsonBytes
		return nil
	}
	now := st.now().Unix()
	rec.deactivatedAt, rec.updatedAt = now, now
	rec.user.Status = cometchatcalls.StatusOffline
	return nil
}
