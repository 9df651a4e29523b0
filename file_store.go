package cometchatcalls

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
)

// FileStore is a SessionStore that keeps the sessions of any number of app
// IDs in one JSON file, so that a logged-in user survives a restart and
// processes on the same machine can share a login.
//
// The file is readable by its owner only (0600) and its parent directories,
// when FileStore creates them, are 0700: the file holds auth tokens. Every
// write replaces the file atomically (a temporary file in the same
// directory, fsync, rename), and every read-modify-write runs under a lock
// on the sibling file "<path>.lock" that other processes using a FileStore
// honour too, so a crash or a concurrent writer never leaves a torn file or
// loses another app's session. The lock file is left in place on purpose:
// removing a lock file while another process may be about to lock it is a
// race.
//
// A file this SDK cannot read (not JSON, another program's JSON, a format
// version newer than this SDK's, a missing required field, larger than
// 1 MiB) makes Load fail with ERROR_SESSION_STORE; Load never changes it. The
// next Save or Delete moves it aside to "<path>.corrupt-<unix seconds>",
// logs a warning, and writes a fresh file, so nothing is lost and a login
// over an unreadable store succeeds. An empty (0-byte) file counts as
// unreadable: this SDK never writes one, since its writes are atomic.
//
// User.Metadata goes through JSON, so it must hold JSON-compatible values
// and comes back the way encoding/json decodes it (numbers as float64,
// arrays as []any). CreatedAt is kept to the nanosecond, in UTC.
//
// A FileStore is safe for concurrent use. Calls on one FileStore run one at
// a time; waiting for the lock (held by another goroutine or process) ends
// when ctx is done. Use NewFileStore: the zero value has no path.
type FileStore struct {
	path     string // as given, for Path and messages
	file     string // cleaned
	lockPath string
	dir      string
	base     string

	// sem serialises the calls of this FileStore. It is a channel rather
	// than a sync.Mutex so that waiting for it honours ctx, like waiting for
	// the file lock does.
	sem    chan struct{}
	logger atomic.Pointer[slog.Logger]
}

// fileStoreVersion is the format version this SDK writes and the newest one
// it reads. Any change to the records (a new field included) needs a new
// version, because readers reject unknown fields.
const fileStoreVersion = 1

// maxFileStoreSize bounds the session file. Far more than any real set of
// sessions needs; it stops a wrong path (a log file, a disk image) from
// being read into memory.
const maxFileStoreSize = 1 << 20

// fileStoreLockRetry is how often a waiting call retries the file lock.
const fileStoreLockRetry = 10 * time.Millisecond

// discardLogger is what SetLogger(nil) installs.
var discardLogger = slog.New(slog.DiscardHandler)

// NewFileStore returns a FileStore that keeps its sessions in the file at
// path. Nothing is created until the first Save; a missing file is an empty
// store. A relative path is resolved against the working directory at each
// call.
func NewFileStore(path string) *FileStore {
	clean := filepath.Clean(path)
	return &FileStore{
		path:     path,
		file:     clean,
		lockPath: clean + ".lock",
		dir:      filepath.Dir(clean),
		base:     filepath.Base(clean),
		sem:      make(chan struct{}, 1),
	}
}

// Path returns the path of the session file, as given to NewFileStore.
func (f *FileStore) Path() string { return f.path }

// SetLogger sets where FileStore reports a corrupt file it moved aside (one
// warning per file; never a token). A nil l discards. By default the
// FileStore logs through the logger of the Client that uses it (WithLogger),
// unless SetLogger was called first. Safe for concurrent use.
func (f *FileStore) SetLogger(l *slog.Logger) {
	if l == nil {
		l = discardLogger
	}
	f.logger.Store(l)
}

// setLoggerIfUnset gives the FileStore the Client's logger unless the user
// chose one with SetLogger.
func (f *FileStore) setLoggerIfUnset(l *slog.Logger) {
	if l != nil {
		f.logger.CompareAndSwap(nil, l)
	}
}

// Load returns the session stored for appID, or (nil, nil) when the file or
// the session does not exist. The returned Session is decoded afresh and
// belongs to the caller.
func (f *FileStore) Load(ctx context.Context, appID string) (*Session, error) {
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	if appID == "" {
		return nil, nil // Save refuses an empty app ID, so none is stored
	}
	if _, err := os.Stat(f.file); errors.Is(err, fs.ErrNotExist) {
		// Nothing to read, and no reason to create the lock file (or fail
		// because its directory is missing).
		return nil, nil
	}
	release, err := f.lock(ctx, false)
	if err != nil {
		return nil, err
	}
	defer release()
	doc, problem, err := f.read()
	switch {
	case err != nil:
		return nil, err
	case problem != nil:
		return nil, f.fileError(problem.Message, problem)
	case doc == nil:
		return nil, nil
	}
	rec := doc.Sessions[appID]
	if rec == nil {
		return nil, nil
	}
	return rec.session(), nil
}

// Save stores s under s.AppID, replacing any session of that app and keeping
// the others. FileStore keeps no reference to s. The session needs an app
// ID, a user with a UID and an auth token.
func (f *FileStore) Save(ctx context.Context, s *Session) error {
	if err := f.check(ctx); err != nil {
		return err
	}
	if s == nil {
		return errNilSession
	}
	if err := validateStoredSession(s); err != nil {
		return err
	}
	rec := recordOf(s)
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return wrapError(CodeSessionStore, "cannot create the directory of session file "+f.path+": "+pathErrorText(err), err)
	}
	return f.update(ctx, func(doc *fileDoc) bool {
		doc.Sessions[s.AppID] = rec
		return true
	})
}

// Delete removes the session stored for appID, if any, keeping the others.
func (f *FileStore) Delete(ctx context.Context, appID string) error {
	if err := f.check(ctx); err != nil {
		return err
	}
	if _, err := os.Stat(f.file); errors.Is(err, fs.ErrNotExist) {
		return nil // nothing stored; do not create the directory or the lock
	}
	return f.update(ctx, func(doc *fileDoc) bool {
		if _, ok := doc.Sessions[appID]; !ok {
			return false
		}
		delete(doc.Sessions, appID)
		return true
	})
}

// check answers a call on a zero FileStore or with a finished ctx, before
// anything touches the disk.
func (f *FileStore) check(ctx context.Context) error {
	if f == nil || f.sem == nil {
		return newError(CodeSessionStore, "FileStore has no path; create it with NewFileStore")
	}
	if ctx == nil {
		return errNilContext
	}
	if err := ctx.Err(); err != nil {
		return f.fileError(err.Error(), err)
	}
	return nil
}

// fileError is an ERROR_SESSION_STORE that names the file.
func (f *FileStore) fileError(problem string, cause error) *Error {
	return wrapError(CodeSessionStore, "session file "+f.path+": "+problem, cause)
}

// lock takes the in-process semaphore, then the cross-process file lock:
// shared for reads (on Windows a file that another process is reading
// cannot be renamed over), exclusive for read-modify-write. Both waits end
// when ctx is done.
func (f *FileStore) lock(ctx context.Context, exclusive bool) (release func(), err error) {
	select {
	case f.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, f.fileError("waiting for the lock: "+ctx.Err().Error(), ctx.Err())
	}
	fl := flock.New(f.lockPath, flock.SetPermissions(0o600))
	if exclusive {
		_, err = fl.TryLockContext(ctx, fileStoreLockRetry)
	} else {
		_, err = fl.TryRLockContext(ctx, fileStoreLockRetry)
	}
	if err != nil {
		<-f.sem
		if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
			return nil, f.fileError("waiting for the lock: "+cerr.Error(), cerr)
		}
		return nil, wrapError(CodeSessionStore, "cannot lock "+f.lockPath+": "+pathErrorText(err), err)
	}
	return func() {
		_ = fl.Unlock() // also closes the handle; the OS drops the lock with it
		<-f.sem
	}, nil
}

// read reads and decodes the file under the caller's lock. It returns
// (nil, nil, nil) when the file does not exist, a problem when the content
// is unreadable (the file may be moved aside), and an error when the file
// could not be read at all (it must be left alone).
func (f *FileStore) read() (doc *fileDoc, problem *Error, err error) {
	fh, err := os.Open(f.file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, f.fileError("cannot open: "+pathErrorText(err), err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, nil, f.fileError("cannot stat: "+pathErrorText(err), err)
	}
	if info.IsDir() {
		return nil, nil, f.fileError("is a directory", nil)
	}
	if info.Size() > maxFileStoreSize {
		return nil, tooLarge(info.Size()), nil
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxFileStoreSize+1))
	if err != nil {
		return nil, nil, f.fileError("cannot read: "+pathErrorText(err), err)
	}
	if len(data) > maxFileStoreSize { // grew since the Stat
		return nil, tooLarge(int64(len(data))), nil
	}
	doc, derr := decodeFileStore(data)
	if derr != nil {
		var e *Error
		if !errors.As(derr, &e) {
			e = decodeError("is unreadable")
		}
		return nil, e, nil
	}
	return doc, nil, nil
}

func tooLarge(size int64) *Error {
	return newError(CodeSessionStore, fmt.Sprintf("is larger than 1 MiB (%d bytes); not a session file", size))
}

// update runs a read-modify-write of the whole file under the exclusive
// lock. mutate reports whether it changed doc; when it did not and the file
// was fine, nothing is written. An unreadable file is moved aside first.
func (f *FileStore) update(ctx context.Context, mutate func(*fileDoc) bool) error {
	release, err := f.lock(ctx, true)
	if err != nil {
		return err
	}
	defer release()
	doc, problem, err := f.read()
	if err != nil {
		return err
	}
	if problem != nil {
		if err := f.moveAside(ctx, problem); err != nil {
			return err
		}
	}
	if doc == nil {
		doc = &fileDoc{Version: fileStoreVersion, Sessions: map[string]*fileRecord{}}
	}
	if changed := mutate(doc); !changed && problem == nil {
		return nil // e.g. Delete of an app with no session: leave the file as it is
	}
	return f.write(doc)
}

// moveAside renames an unreadable file to "<path>.corrupt-<unix seconds>"
// (plus "-N" when that name is taken) and logs it. The caller holds the
// exclusive lock, so no other FileStore races for the name.
func (f *FileStore) moveAside(ctx context.Context, problem *Error) error {
	stem := fmt.Sprintf("%s.corrupt-%d", f.file, time.Now().Unix())
	aside := stem
	for i := 1; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s-%d", stem, i)
	}
	if err := os.Rename(f.file, aside); err != nil {
		return f.fileError("unreadable ("+problem.Message+") and cannot be moved aside: "+pathErrorText(err), err)
	}
	if l := f.logger.Load(); l != nil {
		l.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: unreadable session file moved aside; writing a fresh one",
			slog.String("path", f.path),
			slog.String("moved_to", aside),
			slog.String("problem", problem.Message))
	}
	return nil
}

// write replaces the file atomically: a temporary file in the same
// directory (so the rename cannot cross file systems), written, synced,
// closed, renamed over the path, then the directory synced so the rename
// itself survives a power cut. The temporary file is removed on any
// failure. The new file is 0600 whatever the old one was, since rename
// keeps the temporary file's mode.
func (f *FileStore) write(doc *fileDoc) (err error) {
	data, err := encodeFileStore(doc)
	if err != nil {
		return f.fileError("cannot encode the sessions: "+err.Error(), err)
	}
	if len(data) > maxFileStoreSize {
		return f.fileError("the sessions would take more than 1 MiB; not saved", nil)
	}
	tmp, err := os.CreateTemp(f.dir, f.base+".tmp-*")
	if err != nil {
		return f.fileError("cannot create a temporary file: "+pathErrorText(err), err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close() // may already be closed; the error is moot
			_ = os.Remove(tmpName)
		}
	}()
	// CreateTemp already uses 0600; Chmod makes it so whatever the umask
	// or platform default did.
	if err = tmp.Chmod(0o600); err != nil {
		return f.fileError("cannot set permissions: "+pathErrorText(err), err)
	}
	if _, err = tmp.Write(data); err != nil {
		return f.fileError("cannot write: "+pathErrorText(err), err)
	}
	if err = tmp.Sync(); err != nil {
		return f.fileError("cannot sync: "+pathErrorText(err), err)
	}
	if err = tmp.Close(); err != nil {
		return f.fileError("cannot close: "+pathErrorText(err), err)
	}
	if err = os.Rename(tmpName, f.file); err != nil {
		return f.fileError("cannot replace: "+pathErrorText(err), err)
	}
	syncDir(f.dir)
	return nil
}

// syncDir makes a rename in dir durable. It is best effort: the rename has
// happened, so the file is whole either way (old or new content), and
// reporting a failure here would tell the caller a saved session was not
// saved. Windows cannot sync a directory handle and does not need to.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// pathErrorText describes an OS error without repeating the operation and
// path that the message already names.
func pathErrorText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// validateStoredSession refuses what the file format cannot hold or what
// decodeFileStore would reject, so Save never writes an unreadable file.
func validateStoredSession(s *Session) error {
	switch {
	case s.AppID == "":
		return newError(CodeSessionStore, "cannot save a session without an app ID")
	case s.User.UID == "":
		return newError(CodeSessionStore, "cannot save a session without a user UID")
	case s.AuthToken == "":
		return newError(CodeSessionStore, "cannot save a session without an auth token")
	}
	if y := s.CreatedAt.UTC().Year(); y < 0 || y > 9999 {
		return newError(CodeSessionStore, "cannot save a session created outside the years 0-9999")
	}
	return nil
}

// The file format. These records are the format, deliberately separate from
// Session and User so that a change to those types cannot change the file
// by accident. Readers reject unknown fields at every level (the file is
// ours, so an unknown field means a newer format or another program), with
// one exception: user.metadata holds whatever the server sent.
//
//	{"version": 1, "sessions": {"<appId>": {"appId": "<appId>",
//	  "user": {"uid": …, "name": …, …}, "authToken": "…",
//	  "createdAt": "<RFC 3339, UTC, nanoseconds>"}}}
type fileDoc struct {
	Version  int                    `json:"version"`
	Sessions map[string]*fileRecord `json:"sessions"`
}

type fileRecord struct {
	AppID     string    `json:"appId"`
	User      *fileUser `json:"user"`
	AuthToken string    `json:"authToken"`
	CreatedAt time.Time `json:"createdAt"`
}

type fileUser struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name,omitempty"`
	Avatar        string         `json:"avatar,omitempty"`
	Status        string         `json:"status,omitempty"`
	Role          string         `json:"role,omitempty"`
	Link          string         `json:"link,omitempty"`
	StatusMessage string         `json:"statusMessage,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	LastActiveAt  int64          `json:"lastActiveAt,omitempty"`
	CreatedAt     int64          `json:"createdAt,omitempty"`
}

// recordOf converts s for encoding. It shares s's Metadata and Tags, which is
// fine because the record is encoded and dropped before Save returns.
func recordOf(s *Session) *fileRecord {
	u := &s.User
	return &fileRecord{
		AppID: s.AppID,
		User: &fileUser{
			UID:           u.UID,
			Name:          u.Name,
			Avatar:        u.Avatar,
			Status:        string(u.Status),
			Role:          u.Role,
			Link:          u.Link,
			StatusMessage: u.StatusMessage,
			Metadata:      u.Metadata,
			Tags:          u.Tags,
			LastActiveAt:  u.LastActiveAt,
			CreatedAt:     u.CreatedAt,
		},
		AuthToken: s.AuthToken,
		CreatedAt: s.CreatedAt.UTC(),
	}
}

// session converts a decoded record. The record was decoded for this call
// alone, so its maps and slices can go to the caller without a copy.
func (r *fileRecord) session() *Session {
	u := r.User
	return &Session{
		AppID: r.AppID,
		User: User{
			UID:           u.UID,
			Name:          u.Name,
			Avatar:        u.Avatar,
			Status:        UserStatus(u.Status),
			Role:          u.Role,
			Link:          u.Link,
			StatusMessage: u.StatusMessage,
			Metadata:      u.Metadata,
			Tags:          u.Tags,
			LastActiveAt:  u.LastActiveAt,
			CreatedAt:     u.CreatedAt,
		},
		AuthToken: r.AuthToken,
		CreatedAt: r.CreatedAt,
	}
}

// encodeFileStore renders doc as the file's bytes: indented for people
// reading it, keys sorted (encoding/json sorts map keys), ending in a newline.
func encodeFileStore(doc *fileDoc) ([]byte, error) {
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// decodeFileStore parses the content of a session file strictly. It returns
// either a complete document or an *Error (ERROR_SESSION_STORE) describing
// the problem, never both. Messages never quote values from the file other
// than app IDs and field names (shortened), so they cannot leak a token.
//
// The result is normalised so that encoding it and decoding again gives an
// equal value: times in UTC, empty metadata and tags as nil (the encoder
// omits them).
func decodeFileStore(data []byte) (*fileDoc, error) {
	if len(bytes.TrimLeft(data, " \t\r\n")) == 0 {
		return nil, decodeError("is empty; not a session file")
	}
	// First the envelope, leniently, so that another program's JSON and a
	// newer format get their own message rather than "unknown field".
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, decodeError("is JSON but not a JSON object; not a cometchatcalls session file")
		}
		return nil, decodeError("is not valid JSON (" + jsonProblem(err) + ")")
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, decodeError(fmt.Sprintf("has data after the JSON value (at byte %d)", dec.InputOffset()))
	}
	if top == nil {
		return nil, decodeError("is JSON null; not a cometchatcalls session file")
	}
	rawVersion, ok := top["version"]
	if !ok {
		return nil, decodeError("has no \"version\" field; not a cometchatcalls session file")
	}
	var version int
	if err := json.Unmarshal(rawVersion, &version); err != nil || bytes.Equal(rawVersion, []byte("null")) {
		return nil, decodeError("has a \"version\" that is not an integer; not a cometchatcalls session file")
	}
	if version > fileStoreVersion {
		return nil, decodeError(fmt.Sprintf("has format version %d, newer than this SDK's (%d); upgrade the SDK", version, fileStoreVersion))
	}
	if version < 1 {
		return nil, decodeError(fmt.Sprintf("has an invalid format version %d", version))
	}
	for k := range top {
		if k != "version" && k != "sessions" {
			return nil, decodeError("has an unknown field " + shortQuote(k))
		}
	}
	rawSessions, ok := top["sessions"]
	if !ok || bytes.Equal(rawSessions, []byte("null")) {
		return nil, decodeError("has no \"sessions\" object")
	}
	sessions := map[string]*fileRecord{}
	sdec := json.NewDecoder(bytes.NewReader(rawSessions))
	sdec.DisallowUnknownFields()
	if err := sdec.Decode(&sessions); err != nil {
		return nil, decodeError("has an invalid \"sessions\" object (" + jsonProblem(err) + ")")
	}
	for key, r := range sessions {
		if err := r.normalise(key); err != nil {
			return nil, err
		}
	}
	return &fileDoc{Version: version, Sessions: sessions}, nil
}

// normalise checks a decoded record stored under key and puts it in the
// form that re-encodes to itself.
func (r *fileRecord) normalise(key string) *Error {
	where := "the session for app ID " + shortQuote(key)
	switch {
	case r == nil:
		return decodeError(where + " is null")
	case r.AppID == "":
		return decodeError(where + " has no appId")
	case r.AppID != key:
		return decodeError(where + " names another app ID, " + shortQuote(r.AppID))
	case r.User == nil:
		return decodeError(where + " has no user")
	case r.User.UID == "":
		return decodeError(where + " has no user uid")
	case r.AuthToken == "":
		return decodeError(where + " has no authToken")
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if y := r.CreatedAt.Year(); y < 0 || y > 9999 {
		return decodeError(where + " has a createdAt outside the years 0-9999")
	}
	if len(r.User.Metadata) == 0 {
		r.User.Metadata = nil
	}
	if len(r.User.Tags) == 0 {
		r.User.Tags = nil
	}
	return nil
}

func decodeError(problem string) *Error { return newError(CodeSessionStore, problem) }

// jsonProblem describes a decoding error by position, type or field name,
// never by the value found: encoding/json quotes numbers it cannot store,
// and the time parser quotes the text it rejects.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated"
	case errors.As(err, &te):
		field := "a session"
		switch {
		case te.Field != "":
			field = "field " + shortQuote(te.Field)
		case te.Type != nil && te.Type.Kind() == reflect.Map:
			field = "the value"
		}
		return fmt.Sprintf("%s is a JSON %s, not %s", field, jsonKind(te.Value), jsonWant(te.Type))
	case errors.As(err, &pe):
		return "createdAt is not an RFC 3339 time"
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + shortQuote(strings.Trim(name, `"`))
	}
	if strings.HasPrefix(err.Error(), "Time.UnmarshalJSON") {
		return "createdAt is not an RFC 3339 time"
	}
	return "invalid value"
}

// jsonKind keeps the kind from an UnmarshalTypeError's Value ("number 12")
// and drops the literal.
func jsonKind(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	return kind
}

// jsonWant names the JSON kind a Go type decodes from.
func jsonWant(t reflect.Type) string {
	if t == nil {
		return "the expected kind"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "the expected kind"
}

// shortQuote quotes s for a message, cut to a length that keeps the message
// one readable line.
func shortQuote(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
