package redisstore

import (
	"context"
	"crypto/sha1"
	"crypto/subtle"
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

// setIfUnchanged sets KEYS[1] to ARGV[2] only while it still holds the
// value whose SHA-1 is ARGV[1], the one the caller read and checked, as
// deleteIfUnchanged deletes it. ARGV[3] is the Store's TTL in
// milliseconds; with 0 the key gets no expiry (a SET without PX drops any
// it had), as with Save's SET. The new value carries its own token, as
// SET's would; the token compared is not an argument.
var setIfUnchanged = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and redis.sha1hex(v) == ARGV[1] then
	if ARGV[3] == '0' then
		redis.call('SET', KEYS[1], ARGV[2])
	else
		redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
	end
	return 1
end
return 0
`)

// maxCompareAttempts bounds the read-check-act rounds of DeleteIfToken and
// SaveIfToken when the value keeps changing under them while still holding
// the token.
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
	return s.ifToken(ctx, appID, authToken, "deleting", deleteIfUnchanged)
}

// SaveIfToken stores sess under its app ID only while the session stored
// there has the auth token authToken, and returns nil, saving nothing,
// when another session or none is stored. A Client's ValidateSession uses
// it to save the refreshed user, so a stale instance never puts its
// session back over the newer one another instance saved (or over a
// logout).
//
// It works as DeleteIfToken does: the token is compared in Go, then a Lua
// script writes the value Save would write, with the Store's TTL, only if
// the key still holds the very bytes that were checked; after a concurrent
// change it reads again. A nil or incomplete sess is ERROR_SESSION_STORE,
// as for Save. A value that is not a session is ERROR_SESSION_STORE too,
// and is left as it is (only Save replaces it).
func (s *Store) SaveIfToken(ctx context.Context, sess *cometchatcalls.Session, authToken string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	data, err := encode(sess)
	if err != nil {
		return err
	}
	// WithTTL keeps the TTL to whole milliseconds, so this is exact.
	ttl := strconv.FormatInt(s.ttl.Milliseconds(), 10)
	return s.ifToken(ctx, sess.AppID, authToken, "saving", setIfUnchanged, data, ttl)
}

// ifToken runs script on the key of appID while that key holds a session
// with the token authToken: it reads the value, decodes it and compares
// the token in Go, then runs script with the SHA-1 digest of the bytes it
// checked as ARGV[1] (args follow). The script acts only if the key still
// holds those bytes and returns 1 when it did; otherwise the value changed
// in between, and ifToken reads again, at most maxCompareAttempts times.
// Nothing stored, or another token, is nil. what names the action in
// errors ("deleting").
func (s *Store) ifToken(ctx context.Context, appID, authToken, what string, script *redis.Script, args ...any) error {
	key := s.key(appID)
	for range maxCompareAttempts {
		data, err := s.get(ctx, key, "reading")
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err != nil {
			return err
		}
		sess, err := decode(data, key, appID)
		if err != nil {
			return err
		}
		if !sameToken(sess.AuthToken, authToken) {
			return nil
		}
		// The context may have ended during the read: without
		// ContextTimeoutEnabled go-redis would still send the script.
		if err := ended(ctx); err != nil {
			return s.fail(ctx, what, key, err)
		}
		digest := sha1.Sum(data)
		done, err := script.Run(ctx, s.rdb, []string{key}, append([]any{hex.EncodeToString(digest[:])}, args...)...).Int()
		if err != nil {
			return s.fail(ctx, what, key, err)
		}
		if done == 1 {
			return nil
		}
	}
	return cometchatcalls.NewStoreError("redisstore: key "+strconv.Quote(key)+" changed on every one of "+
		strconv.Itoa(maxCompareAttempts)+" attempts at "+what+" it; try again", nil)
}

// sameToken compares two auth tokens in constant time, as the SDK's own
// stores do.
func sameToken(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Interface checks.
var (
	_ cometchatcalls.SessionStore       = (*Store)(nil)
	_ cometchatcalls.ConditionalDeleter = (*Store)(nil)
	_ cometchatcalls.ConditionalSaver   = (*Store)(nil)
)
