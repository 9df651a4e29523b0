package redisstore

import (
	"strings"

	"github.com/redis/go-redis/v9"
)

// IsRead reports whether cmd, which has run, was the Store reading a value
// (the getBounded script), so that tests can act after each read as they
// did after each GET. An EVALSHA the server answered NOSCRIPT does not
// count: go-redis then sends the same read again as EVAL.
func IsRead(cmd redis.Cmder) bool {
	args := cmd.Args()
	if len(args) < 2 {
		return false
	}
	if err := cmd.Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
		return false
	}
	switch cmd.Name() {
	case "evalsha":
		return args[1] == getBounded.Hash()
	case "eval":
		return args[1] == getBoundedSource
	}
	return false
}
