package cometchatcallstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cometchat-go/cometchatcalls"
)

// WithStateFile makes the server remember its users and auth tokens across
// processes: Start restores them from path when the file exists, and
// SaveState writes them there. Without it, every server starts with the
// five sample users and no tokens.
//
// The file holds auth tokens, which are credentials (of this emulator
// only): SaveState writes it with mode 0600. A file that is not a state
// file, one saved for another app ID, or one SaveState could not have
// written (an invalid or repeated uid, an empty or repeated token) makes
// Start fail.
func WithStateFile(path string) ServerOption { return func(c *config) { c.stateFile = path } }

// stateFormat marks a state file; a change of layout gets a new one.
const stateFormat = "cometchatcallstest-state/1"

// stateDoc is the JSON of a state file.
type stateDoc struct {
	Format string        `json:"format"`
	AppID  string        `json:"appId"`
	Users  []stateRecord `json:"users"`
}

type stateRecord struct {
	User          cometchatcalls.User `json:"user"`
	UpdatedAt     int64               `json:"updatedAt"`
	DeactivatedAt int64               `json:"deactivatedAt,omitempty"`
	Tokens        []stateToken        `json:"tokens,omitempty"` // oldest first
}

type stateToken struct {
	Token     string `json:"token"`
	CreatedAt int64  `json:"createdAt"`
}

// SaveState writes the users and auth tokens to the WithStateFile path,
// atomically (a temporary file in the same directory, renamed over the
// old one), creating missing directories with mode 0700. Without
// WithStateFile it does nothing.
func (s *Server) SaveState() error {
	path := s.cfg.stateFile
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(s.store.snapshot(s.cfg.appID), "", "  ")
	if err != nil {
		return fmt.Errorf("cometchatcallstest: encoding the state: %w", err)
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("cometchatcallstest: saving the state: %w", err)
	}
	return nil
}

// loadState restores st from path; a missing file leaves st as it is.
func loadState(st *store, path, appID string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the state file: %w", err)
	}
	var doc stateDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil || doc.Format != stateFormat {
		return fmt.Errorf("%s is not a %s file", path, stateFormat)
	}
	if doc.AppID != appID {
		return fmt.Errorf("the state file %s belongs to the app %q, not %q", path, doc.AppID, appID)
	}
	if err := checkState(doc.Users); err != nil {
		return fmt.Errorf("the state file %s is inconsistent: %w", path, err)
	}
	st.restore(doc.Users)
	return nil
}

// checkState refuses records that SaveState could not have written: the
// store would otherwise map a token to one user while another lists it, or
// keep a user no request can name. Its errors never quote a token.
func checkState(records []stateRecord) error {
	uids := make(map[string]bool, len(records))
	tokens := map[string]bool{}
	for i, r := range records {
		switch uid := r.User.UID; {
		case !validUID(uid):
			return fmt.Errorf("user %d has an invalid uid %q", i, uid)
		case uids[uid]:
			return fmt.Errorf("the uid %q appears twice", uid)
		default:
			uids[uid] = true
		}
		for _, t := range r.Tokens {
			switch {
			case t.Token == "":
				return fmt.Errorf("user %q has an empty auth token", r.User.UID)
			case tokens[t.Token]:
				return fmt.Errorf("an auth token of user %q appears twice", r.User.UID)
			}
			tokens[t.Token] = true
		}
	}
	return nil
}

// snapshot returns the whole state as a stateDoc.
func (st *store) snapshot(appID string) stateDoc {
	st.mu.Lock()
	defer st.mu.Unlock()
	doc := stateDoc{Format: stateFormat, AppID: appID, Users: []stateRecord{}}
	for _, rec := range st.users {
		r := stateRecord{User: rec.user, UpdatedAt: rec.updatedAt, DeactivatedAt: rec.deactivatedAt}
		for _, t := range rec.tokens {
			r.Tokens = append(r.Tokens, stateToken{Token: t.token, CreatedAt: t.createdAt})
		}
		doc.Users = append(doc.Users, r)
	}
	slices.SortFunc(doc.Users, func(a, b stateRecord) int { return strings.Compare(a.User.UID, b.User.UID) })
	return doc
}

// restore replaces every user and token with records.
func (st *store) restore(records []stateRecord) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.users = make(map[string]*userRecord, len(records))
	st.tokens = map[string]string{}
	for _, r := range records {
		rec := &userRecord{user: r.User, updatedAt: r.UpdatedAt, deactivatedAt: r.DeactivatedAt}
		for _, t := range r.Tokens {
			rec.tokens = append(rec.tokens, tokenRecord{token: t.Token, createdAt: t.CreatedAt})
			st.tokens[t.Token] = r.User.UID
		}
		st.users[r.User.UID] = rec
	}
}

// writeFileAtomic replaces path with b (mode 0600) through a temporary file
// in the same directory, so a reader never sees half a file.
func writeFileAtomic(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(b); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
