package cometchatcalls

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A write's temporary file holds the whole new document, auth tokens
// included. The write removes it when a step fails, but a process killed
// mid-write never runs that cleanup, and in a directory that has just
// turned read-only the removal fails like the rename did. So every call
// that takes the exclusive lock first sweeps the temporary files of
// earlier writes: no live writer can own one then, since writers create
// theirs only while holding that lock (in this process or another). The
// sweep runs before the call's own write creates a temporary file, so
// however many writers are killed, at most one temporary file (the last
// killed writer's) exists at any time.

// tempPrefix is the start of the name of every temporary file that write
// creates for file; os.CreateTemp appends a random decimal number.
func tempPrefix(file string) string { return filepath.Base(file) + ".tmp-" }

// isTempOf reports whether name, in file's directory, is a temporary file
// of write: the prefix followed by digits only, so that a file of the
// user's that merely starts the same way ("session.json.tmp-backup") is
// never touched.
func isTempOf(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}

// staleTemps lists the temporary files of write next to file. A directory
// that does not exist holds none.
func staleTemps(file string) ([]string, error) {
	dir := filepath.Dir(file)
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	prefix := tempPrefix(file)
	var temps []string
	for _, name := range names {
		if isTempOf(name, prefix) {
			temps = append(temps, filepath.Join(dir, name))
		}
	}
	return temps, nil
}

// hasStaleTemps reports whether temporary files of write lie next to file,
// for a call that would otherwise not take the lock because file does not
// exist (a first save killed before its rename leaves exactly that). An
// unreadable directory counts as holding some: the sweep under the lock
// then reports why it cannot look.
func hasStaleTemps(file string) bool {
	temps, err := staleTemps(file)
	return err != nil || len(temps) > 0
}

// sweepTemps removes every temporary file of write next to file. The
// caller holds the exclusive lock, which is what makes each of them stale.
// It tries them all and reports the first failure; the next call that
// takes the exclusive lock tries again.
func (f *FileStore) sweepTemps(file string) error {
	temps, err := staleTemps(file)
	if err != nil {
		return f.fileError("cannot list the directory to remove stale temporary files: "+pathErrorText(err), err)
	}
	var (
		first     error
		firstName string
		failed    int
	)
	for _, tmp := range temps {
		if err := f.remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			failed++
			if first == nil {
				first, firstName = err, filepath.Base(tmp)
			}
		}
	}
	if first == nil {
		return nil
	}
	// One name is enough to find the rest; names are random numbers,
	// never content.
	return f.fileError("cannot remove "+strconv.Itoa(failed)+" stale temporary file(s), which may hold auth tokens, e.g. "+
		firstName+": "+pathErrorText(first), first)
}

// remove is os.Remove, or the test seam removeFile when set.
func (f *FileStore) remove(name string) error {
	if f.removeFile != nil {
		return f.removeFile(name)
	}
	return os.Remove(name)
}
