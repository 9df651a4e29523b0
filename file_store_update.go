package cometchatcalls

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"
)

// read reads and decodes file under the caller's lock. It returns
// (nil, nil, nil) when the file does not exist, a problem when the content
// is unreadable (the file may be moved aside), and an error when the file
// could not be read at all (it must be left alone).
func (f *FileStore) read(file string) (doc *fileDoc, problem *Error, err error) {
	fh, err := os.Open(file)
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
		return nil, nil, f.fileError("a directory, not a file", nil)
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
		if !errors.As(derr, &problem) {
			problem = formatError("unreadable", nil)
		}
		return nil, problem, nil
	}
	return doc, nil, nil
}

// update runs a read-modify-write of the whole file under the exclusive
// lock. mutate reports whether it changed doc; when it did not and the file
// was fine, nothing is written. An unreadable file is moved aside first,
// and logged once the locks are released: the logger is user code, which
// may use this very store.
func (f *FileStore) update(ctx context.Context, file string, mutate func(*fileDoc) bool) error {
	movedTo, problem, err := f.updateLocked(ctx, file, mutate)
	if l := f.logger.Load(); l != nil && movedTo != "" {
		l.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: unreadable session file moved aside; writing a fresh one",
			slog.String("path", f.path),
			slog.String("moved_to", movedTo),
			slog.String("problem", problem.Message))
	}
	return err
}

// updateLocked is update's work under the lock; movedTo names where an
// unreadable file went, and problem what was wrong with it.
func (f *FileStore) updateLocked(ctx context.Context, file string, mutate func(*fileDoc) bool) (movedTo string, problem *Error, err error) {
	unlock, err := f.lock(ctx, file, true)
	if err != nil {
		return "", nil, err
	}
	defer unlock()
	// Before this call's own write: see file_store_sweep.go. A failure does not
	// stop the call, which may still delete a session; it is retried
	// below once the call has done its part.
	sweepErr := f.sweepTemps(file)
	movedTo, problem, err = f.mutateLocked(file, mutate)
	if err != nil {
		return movedTo, problem, err
	}
	if sweepErr != nil {
		// Reported even though the change was made: a credential may be
		// left on disk, and the caller should know. The next call retries.
		err = f.sweepTemps(file)
	}
	return movedTo, problem, err
}

// mutateLocked reads file, applies mutate and writes the result when it
// changed; the caller holds the exclusive lock.
func (f *FileStore) mutateLocked(file string, mutate func(*fileDoc) bool) (movedTo string, problem *Error, err error) {
	doc, problem, err := f.read(file)
	if err != nil {
		return "", nil, err
	}
	if problem != nil {
		if movedTo, err = f.moveAside(file, problem); err != nil {
			return "", nil, err
		}
	}
	if doc == nil {
		doc = &fileDoc{Version: fileStoreVersion, Sessions: map[string]*fileRecord{}}
	}
	if changed := mutate(doc); !changed && problem == nil {
		return "", nil, nil // e.g. Delete of an app with no session: leave the file as it is
	}
	return movedTo, problem, f.write(file, doc)
}

// moveAside renames an unreadable file to "<file>.corrupt-<unix seconds>"
// (plus "-N" when that name is taken) and returns that name. The caller
// holds the exclusive lock, so no other FileStore races for the name.
func (f *FileStore) moveAside(file string, problem *Error) (string, error) {
	stem := fmt.Sprintf("%s.corrupt-%d", file, time.Now().Unix())
	aside := stem
	for i := 1; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s-%d", stem, i)
	}
	if err := os.Rename(file, aside); err != nil {
		return "", f.fileError("unreadable ("+problem.Message+") and cannot be moved aside: "+pathErrorText(err), err)
	}
	return aside, nil
}
