package cometchatcalls

import "errors"

// errReadOnlyFS stands for EROFS, which Plan 9 does not define (its
// errors are strings): there only the permission check of lockFile applies.
var errReadOnlyFS = errors.New("read-only file system")
