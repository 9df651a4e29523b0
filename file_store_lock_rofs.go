//go:build !plan9

package cometchatcalls

import "syscall"

// errReadOnlyFS is the error of creating a file on a read-only file system.
var errReadOnlyFS = error(syscall.EROFS)
