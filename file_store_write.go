package cometchatcalls

import (
	"os"
	"path/filepath"
	"runtime"
)

// write replaces file atomically: a temporary file in the same directory
// (so the rename cannot cross file systems), written, synced, closed,
// renamed over file, then the directory synced so the rename itself
// survives a power cut. The temporary file is removed if any step fails;
// when even that fails (the directory turned read-only), the next call
// that takes the exclusive lock removes it (sweepTemps).
// The new file is 0600 whatever the old one was, since rename keeps the
// temporary file's mode.
func (f *FileStore) write(file string, doc *fileDoc) (err error) {
	data, err := encodeFileStore(doc)
	if err != nil {
		return f.fileError("cannot encode the sessions: "+err.Error(), err)
	}
	if len(data) > maxFileStoreSize {
		return f.fileError("the sessions would take more than 1 MiB; not saved", nil)
	}
	dir := filepath.Dir(file)
	tmp, err := os.CreateTemp(dir, tempPrefix(file)+"*") // the name sweepTemps recognises
	if err != nil {
		return f.fileError("cannot create a temporary file: "+pathErrorText(err), err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()          // may already be closed; the error is moot
			_ = f.remove(tmp.Name()) // on failure, sweepTemps retries later
		}
	}()
	steps := []struct {
		name string
		run  func() error
	}{
		// CreateTemp already uses 0600; Chmod makes it so whatever the
		// umask or platform default did.
		{"set the permissions of the temporary file", func() error { return tmp.Chmod(0o600) }},
		{"write the temporary file", func() error { _, err := tmp.Write(data); return err }},
		{"sync the temporary file", tmp.Sync},
		{"close the temporary file", tmp.Close},
		{"replace the file", func() error { return os.Rename(tmp.Name(), file) }},
	}
	for _, step := range steps {
		if err = f.fail(step.name); err == nil {
			err = step.run()
		}
		if err != nil {
			return f.fileError("cannot "+step.name+": "+pathErrorText(err), err)
		}
	}
	syncDir(dir)
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

// fail is the test seam of failStep: the error the named step must fail
// with, or nil to run it.
func (f *FileStore) fail(step string) error {
	if f.failStep == nil {
		return nil
	}
	return f.failStep(step)
}
