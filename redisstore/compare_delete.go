package redisstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/cometchat-go/cometchatcalls"
)

// deleteIfUnchanged deletes KEYS[1] only while it still holds exactly
// ARGV[1], the value the caller read and checked. It touches one key, so
// in a Cluster it runs on the node that owns that key's slot.
var deleteIfUnchanged = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// maxCompareAttempts bounds DeleteIfToken's read-check-delete rounds when
// the value keeps changing under it while still holding the token.
const maxCompareAttempts = 16

// DeleteIfToken deletes the session stored for appID only while its auth
// token is authToken, and returns nil also when nothing matched. A Client's
// Logout uses it, so a stale instance never ends the newer session another
// instance saved.
//
// The token is compared in Go, after decoding the value, so the format
// lives in one place (cometchatcalls.DecodeSession); the delete itself is a
// Lua script that removes the key only if it still holds the very bytes
// that were checked. A concurrent Save in between makes the script do
// nothing, and DeleteIfToken reads again. A value that is not a session is
// ERROR_SESSION_STORE, as for Load, and is left as it is.
func (s *Store) DeleteIfToken(ctx context.Context, appID, authToken string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	key := s.key(appID)
	for range maxCompareAttempts {
		data, err := s.rdb.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err != nil {
			return s.fail(ctx, "reading", key, err)
		}
		sess, err := decode([]byte(data), key, appID)
		if err != nil {
			return err
		}
		if sess.AuthToken != authToken {
			return nil
		}
		deleted, err := deleteIfUnchanged.Run(ctx, s.rdb, []string{key}, data).Int()
		if err != nil {
			return s.fail(ctx, "deleting", key, err)
		}
		if deleted == 1 {
			return nil
		}
	}
	return cometchatcalls.NewStoreError("redisstore: key "+strconv.Quote(key)+" changed on every one of "+
		strconv.Itoa(maxCompareAttempts)+" attempts to delete it; try again", nil)
}

// Interface checks.
var (
	_ cometchatcalls.SessionStore       = (*Store)(nil)
	_ cometchatcalls.ConditionalDeleter = (*Store)(nil)
)
