package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/cometchat-go/cometchatcalls"
)

// deleteIfUnchanged deletes KEYS[1] only while it still holds the value
// the caller read and checked, whose SHA-1 is ARGV[1]. Sending the digest
// rather than the value keeps the token out of the command's arguments,
// which SLOWLOG and MONITOR show. The script touches one key, so in a
// Cluster it runs on the node that owns that key's slot.
var deleteIfUnchanged = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and redis.sha1hex(v) == ARGV[1] then
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
// that were checked (compared by SHA-1 digest). A concurrent Save in
// between makes the script do nothing, and DeleteIfToken reads again. A
// value that is not a session is ERROR_SESSION_STORE, as for Load, and is
// left as it is.
func (s *Store) DeleteIfToken(ctx context.Context, appID, authToken string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	key := s.key(appID)
	for range maxCompareAttempts {
		data, err := s.rdb.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err != nil {
			return s.fail(ctx, "reading", key, err)
		}
		sess, err := decode(data, key, appID)
		if err != nil {
			return err
		}
		if sess.AuthToken != authToken {
			return nil
		}
		digest := sha1.Sum(data)
		deleted, err := deleteIfUnchanged.Run(ctx, s.rdb, []string{key}, hex.EncodeToString(digest[:])).Int()
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
