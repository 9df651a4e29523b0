package cometchatcalls

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
)

// FileStore is a SessionStore that keeps the sessions of any number of app
// IDs in one JSON file, so that a logged-in user survives a restart and
// processes on the same machine can share a login.
//
// The file is readable by its owner only (0600) and its parent directories,
// when FileStore creates them, are 0700: the file holds auth tokens. Every
// write replaces the file atomically (a temporary file
// "<path>.tmp-<digits>" in the same directory, fsync, rename), and every
// read-modify-write runs under a lock on the sibling file "<path>.lock"
// that other processes using a FileStore honour too, so a crash or a
// concurrent writer never leaves a torn file or loses another app's
// session. The lock file is left in place on purpose: removing a lock
// file while another process may be about to lock it is a race. Load also
// works in a directory the process may only read (it then reads without the
// lock, which the atomic writes make safe). The lock is github.com/gofrs/flock:
// flock(2) on most unix systems, fcntl on AIX and Solaris, LockFileEx on
// Windows. Where there is no file lock at all (Plan 9, js, wasip1), a Save,
// Delete, DeleteIfToken or SaveIfToken that has a file to change fails with
// ERROR_SESSION_STORE (errors.Is(err, errors.ErrUnsupported)) and Load
// reads without the lock.
//
// Temporary files hold tokens too, so none outlives the next call: a
// write removes its own when a step fails, and every Save, Delete,
// DeleteIfToken and SaveIfToken (so every login, logout and
// ValidateSession) first removes, under the exclusive lock, those that
// earlier writes left behind (a process killed mid-write, a directory
// that turned read-only so that even the removal failed). However many
// writers are killed, at most one temporary file exists at a time, and
// none after the next call that succeeds. When a leftover cannot be
// removed, that call reports ERROR_SESSION_STORE even if its own change
// was made, and the next call tries again. Load, which may run in a
// directory it can only read, never removes anything.
//
// When the path is a symbolic link, the link stays: FileStore reads,
// replaces and moves aside the file it points to, and locks
// "<that file>.lock".
//
// A file this SDK cannot read (not JSON, another program's JSON, a format
// version newer than this SDK's, a missing required field, larger than
// 1 MiB) makes Load fail with ERROR_SESSION_STORE; Load never changes it.
// The next Save, Delete, DeleteIfToken or SaveIfToken moves it aside to
// "<path>.corrupt-<unix seconds>", logs a warning, and writes a fresh file,
// so nothing is lost and a login over an unreadable store succeeds.
// SaveIfToken finds no session to replace in such a file, so after a
// ValidateSession the fresh file holds none (the Client itself stays
// logged in). An empty (0-byte) file counts as unreadable: this SDK never
// writes one, since its writes are atomic.
//
// User.Metadata goes through JSON, so it must hold JSON-compatible values
// and comes back the way encoding/json decodes it (numbers as float64,
// arrays as []any). CreatedAt is kept to the nanosecond, in UTC.
//
// A FileStore is safe for concurrent use. Calls on one FileStore run one at
// a time; waiting for the lock (held by another goroutine or process) ends
// when ctx is done, and a call whose ctx is done changes nothing. Use
// NewFileStore: the methods of a nil or zero FileStore fail with
// ERROR_SESSION_STORE (and Path returns "").
//
// A type that embeds FileStore also gets DeleteIfToken and SaveIfToken,
// which a Client's Logout and ValidateSession call instead of Delete and
// Save (see ConditionalDeleter and ConditionalSaver): one that overrides
// Delete or Save must override DeleteIfToken or SaveIfToken too.
type FileStore struct {
	path string // as given, for Path and messages
	file string // cleaned

	// sem serialises the calls of this FileStore. It is a channel rather
	// than a sync.Mutex so that waiting for it honours ctx, like waiting for
	// the file lock does.
	sem    chan struct{}
	logger atomic.Pointer[slog.Logger]

	// failStep is a test seam: when set, each file operation that may fail
	// (see fail) first asks it, and fails with the error it returns.
	failStep func(step string) error
	// removeFile is a test seam: when set, it replaces os.Remove for
	// temporary files (see remove), to fail as in a read-only directory.
	removeFile func(name string) error
}

// NewFileStore returns a FileStore that keeps its sessions in the file at
// path. Nothing is created until the first Save; a missing file is an empty
// store. A relative path is resolved against the working directory at each
// call; an empty one makes every call fail with ERROR_SESSION_STORE.
func NewFileStore(path string) *FileStore {
	return &FileStore{
		path: path,
		file: filepath.Clean(path),
		sem:  make(chan struct{}, 1),
	}
}

// Path returns the path of the session file, as given to NewFileStore, or
// "" for a nil or zero FileStore.
func (f *FileStore) Path() string {
	if f == nil {
		return ""
	}
	return f.path
}

// SetLogger sets where FileStore reports a corrupt file it moved aside (one
// warning per file; never a token). By default the FileStore logs through
// the logger of the Client that uses it (WithLogger), unless SetLogger was
// called first; to silence it, pass slog.New(slog.DiscardHandler). A nil l
// (or a zero slog.Logger) is ERROR_INVALID_OPTION, like WithLogger(nil),
// and changes nothing. Safe for concurrent use.
func (f *FileStore) SetLogger(l *slog.Logger) error {
	if err := f.usable(); err != nil {
		return err
	}
	if l == nil || l.Handler() == nil {
		return invalidOption("FileStore.SetLogger: the logger is nil or has no handler; use slog.New(slog.DiscardHandler) to discard")
	}
	f.logger.Store(l)
	return nil
}

// setLoggerIfUnset gives the FileStore the Client's logger unless the user
// chose one with SetLogger.
func (f *FileStore) setLoggerIfUnset(l *slog.Logger) {
	if f != nil && l != nil {
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
	file := f.target()
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		// Nothing to read, and no reason to create the lock file (or fail
		// because its directory is missing).
		return nil, nil
	}
	unlock, err := f.lock(ctx, file, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	doc, problem, err := f.read(file)
	switch {
	case err != nil:
		return nil, err
	case problem != nil:
		return nil, f.fileError(problem.Message, nil)
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
	return f.saveIf(ctx, s, nil)
}

// Delete removes the session stored for appID, if any, keeping the others.
func (f *FileStore) Delete(ctx context.Context, appID string) error {
	return f.deleteIf(ctx, appID, func(*fileRecord) bool { return true })
}

// DeleteIfToken removes the session stored for appID if its auth token is
// authToken, keeping the others; it implements ConditionalDeleter. The
// comparison runs under the exclusive file lock, so a session that another
// process saves meanwhile is never removed. It returns nil also when
// nothing matched.
func (f *FileStore) DeleteIfToken(ctx context.Context, appID, authToken string) error {
	return f.deleteIf(ctx, appID, func(r *fileRecord) bool {
		return sameToken(r.AuthToken, authToken)
	})
}

// SaveIfToken stores s under s.AppID if the session stored there has the
// auth token authToken, keeping the others; it implements
// ConditionalSaver. The comparison runs under the exclusive file lock, as
// for DeleteIfToken. It returns nil also when nothing matched.
func (f *FileStore) SaveIfToken(ctx context.Context, s *Session, authToken string) error {
	return f.saveIf(ctx, s, func(r *fileRecord) bool { return sameToken(r.AuthToken, authToken) })
}

// saveIf stores s under s.AppID. With a match, only a stored session of
// that app that match accepts is replaced: a missing file then means
// nothing to replace, and nothing is created. Like deleteIf, it moves an
// unreadable file aside.
func (f *FileStore) saveIf(ctx context.Context, s *Session, match func(*fileRecord) bool) error {
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
	file := f.target()
	if match == nil {
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return f.fileError("cannot create its directory: "+pathErrorText(err), err)
		}
	} else if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) && !hasStaleTemps(file) {
		return nil // nothing to replace, nothing to sweep
	}
	return f.update(ctx, file, func(doc *fileDoc) bool {
		if match != nil {
			if r, ok := doc.Sessions[s.AppID]; !ok || !match(r) {
				return false
			}
		}
		doc.Sessions[s.AppID] = rec
		return true
	})
}

// deleteIf removes the session of appID if match accepts it. Like Save, it
// moves an unreadable file aside.
func (f *FileStore) deleteIf(ctx context.Context, appID string, match func(*fileRecord) bool) error {
	if err := f.check(ctx); err != nil {
		return err
	}
	file := f.target()
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) && !hasStaleTemps(file) {
		// Nothing stored and nothing to sweep: do not create the
		// directory or the lock.
		return nil
	}
	return f.update(ctx, file, func(doc *fileDoc) bool {
		r, ok := doc.Sessions[appID]
		if !ok || !match(r) {
			return false
		}
		delete(doc.Sessions, appID)
		return true
	})
}

// usable reports a nil or zero FileStore, which has no path.
func (f *FileStore) usable() error {
	if f == nil || f.sem == nil {
		return newError(CodeSessionStore, "the FileStore was not made by NewFileStore (nil or zero value)")
	}
	return nil
}

// check answers a call on a nil or zero FileStore or with a finished ctx,
// before anything touches the disk.
func (f *FileStore) check(ctx context.Context) error {
	if err := f.usable(); err != nil {
		return err
	}
	if f.path == "" { // "." once cleaned: a directory, with "..lock" beside it
		return newError(CodeSessionStore, "the FileStore's path is empty")
	}
	if ctx == nil {
		return errNilContext
	}
	if err := ctx.Err(); err != nil {
		return f.fileError("not accessed: "+err.Error(), err)
	}
	return nil
}

// fileError is an ERROR_SESSION_STORE that names the file.
func (f *FileStore) fileError(problem string, cause error) *Error {
	return wrapError(CodeSessionStore, "session file "+f.path+": "+problem, cause)
}

// target returns the file to read and replace: the path itself or, when it
// is a symbolic link, the file the link points to (through chains of
// links, and even when that file does not exist yet). Renaming onto the
// link itself would replace the link by a regular file. A path that cannot
// be examined is returned as it is, for the next operation on it to report.
func (f *FileStore) target() string {
	p := f.file
	for range 40 { // the limit of links Linux follows in one lookup
		info, err := os.Lstat(p)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			return p
		}
		link, err := os.Readlink(p)
		if err != nil {
			return p
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return f.file // a loop: opening it reports "too many links"
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
