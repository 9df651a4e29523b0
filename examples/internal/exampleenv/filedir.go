package exampleenv

import (
	"os"
	"path/filepath"
)

// FileDir is the directory in which an example keeps its files (its
// session and, on the embedded emulator, the emulator's state): name under
// the user's cache directory (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache
// on Linux, ~/Library/Caches on macOS, %LocalAppData% on Windows). That
// directory belongs to the user; a fixed name under the shared temporary
// directory could be created first by another user of the machine, who
// would then own the directory that holds the auth token. Only when there
// is no cache directory (no $HOME) is it under os.TempDir().
func FileDir(name string) string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, name)
}
