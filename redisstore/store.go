// Package redisstore is a cometchatcalls.SessionStore kept in Redis, so
// that many instances of a backend share one logged-in user per app: a
// session saved by one instance is restored by the others without a
// request to CometChat, and a stale instance never ends a newer session
// with its logout, nor puts its own back over it when it validates
// (compare and delete, compare and swap, atomic on the server).
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
//	client, err := cometchatcalls.New(appID, region,
//		cometchatcalls.WithSessionStore(redisstore.New(rdb)))
//
// Values are the versioned JSON of cometchatcalls.EncodeSession, the format
// of FileStore, one session per key; the key is the prefix
// ("cometchatcalls:session:" by default) followed by the app ID. Every
// operation touches that one key, so the store works with single-node,
// Sentinel and Cluster clients (redis.UniversalClient).
//
// It is its own Go module so that the SDK's core does not depend on
// go-redis.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cometchat-go/cometchatcalls"
)

// DefaultKeyPrefix is the key prefix of a Store made without WithKeyPrefix.
const DefaultKeyPrefix = "cometchatcalls:session:"

// Store is a cometchatcalls.SessionStore, ConditionalDeleter and
// ConditionalSaver backed by Redis. It is safe for concurrent use, as the
// go-redis client it wraps is. Make one with New; a nil or zero Store
// returns errors, never panics.
//
// Every error it returns is a *cometchatcalls.Error with code
// ERROR_SESSION_STORE whose Unwrap is the cause (a go-redis or network
// error, a context error, or the decoder's *cometchatcalls.Error).
//
// Each method checks its context first, so a context that is already done
// changes nothing. During a command, go-redis bounds the wait by the
// context's deadline only when the client was made with
// ContextTimeoutEnabled: true (recommended); otherwise by its own
// ReadTimeout and WriteTimeout (3 s by default).
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// Option configures a Store.
type Option func(*Store)

// WithKeyPrefix sets the prefix of every key; the key of an app's session
// is prefix + appID. The default is DefaultKeyPrefix. Stores with different
// prefixes never see each other's sessions.
func WithKeyPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// maxTTL is the largest whole-millisecond Duration: a TTL above it cannot
// be rounded up without overflowing.
const maxTTL = time.Duration(math.MaxInt64) / time.Millisecond * time.Millisecond

// WithTTL makes every saved session expire d after its Save (a login, or a
// ValidateSession that refreshes the user). Once a session has expired, a
// ValidateSession does not store it again: it saves only over the session
// the key still holds (SaveIfToken), as after a logout, so the Client that
// saved it stays logged in while other instances find none. Redis keeps
// expiry to the millisecond, so a positive d is rounded up to a whole
// millisecond. With d <= 0 (the default) sessions never expire.
func WithTTL(d time.Duration) Option {
	return func(s *Store) {
		if d <= 0 {
			s.ttl = 0
			return
		}
		s.ttl = d.Truncate(time.Millisecond)
		if s.ttl < d && s.ttl < maxTTL {
			s.ttl += time.Millisecond
		}
	}
}

// New returns a Store that keeps sessions in rdb, which may be a
// *redis.Client, *redis.ClusterClient, *redis.Ring or a failover client.
// The Store does not own rdb: closing rdb is the caller's job. A nil rdb
// (or a nil pointer of any client type) gives a Store whose every method
// returns ERROR_SESSION_STORE.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{prefix: DefaultKeyPrefix}
	if !isNilClient(rdb) {
		s.rdb = rdb
	}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	return s
}

// isNilClient reports whether rdb is nil, also when it holds a nil pointer
// of any client type (go-redis's or a wrapper of the caller's), which would
// panic on first use.
func isNilClient(rdb redis.UniversalClient) bool {
	if rdb == nil {
		return true
	}
	v := reflect.ValueOf(rdb)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Load returns the session stored for appID, or (nil, nil) when there is
// none. A value that is not a session of this SDK for appID (corrupt JSON,
// another format, another app's session, a Redis type other than a string)
// is ERROR_SESSION_STORE naming the key and the problem; Load leaves it as
// it is. A value over 1 MiB is refused that way without being read: its
// length is checked first, in the same round trip (a Lua script).
func (s *Store) Load(ctx context.Context, appID string) (*cometchatcalls.Session, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	key := s.key(appID)
	data, err := s.get(ctx, key, "loading")
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decode(data, key, appID)
}

// decode reads the session of appID from the value at key.
func decode(data []byte, key, appID string) (*cometchatcalls.Session, error) {
	sess, err := cometchatcalls.DecodeSession(data, appID)
	if err != nil {
		return nil, cometchatcalls.NewStoreError("redisstore: key "+strconv.Quote(key)+" does not hold a session: "+message(err), err)
	}
	if sess == nil {
		return nil, cometchatcalls.NewStoreError("redisstore: key "+strconv.Quote(key)+" holds a session document without a session for app "+strconv.Quote(appID), nil)
	}
	return sess, nil
}

// encode is the value Save writes for sess; a nil or incomplete session is
// an error, and nothing is written.
func encode(sess *cometchatcalls.Session) ([]byte, error) {
	data, err := cometchatcalls.EncodeSession(sess)
	if err != nil {
		return nil, cometchatcalls.NewStoreError("redisstore: "+message(err), err)
	}
	return data, nil
}

// Save stores sess under its app ID, replacing whatever the key held (so a
// login over a corrupt value succeeds), and sets the key to expire after
// the Store's TTL, if any.
func (s *Store) Save(ctx context.Context, sess *cometchatcalls.Session) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	data, err := encode(sess)
	if err != nil {
		return err
	}
	key := s.key(sess.AppID)
	if err := s.rdb.Set(ctx, key, data, s.ttl).Err(); err != nil {
		return s.fail(ctx, "saving", key, err)
	}
	return nil
}

// Delete removes the session stored for appID, if any.
func (s *Store) Delete(ctx context.Context, appID string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	key := s.key(appID)
	if err := s.rdb.Del(ctx, key).Err(); err != nil {
		return s.fail(ctx, "deleting", key, err)
	}
	return nil
}

// check reports a nil or zero Store, a nil context, or a context that is
// already done (its deadline passed counts, even before its timer fires),
// before any command is sent.
func (s *Store) check(ctx context.Context) error {
	switch {
	case s == nil:
		return cometchatcalls.NewStoreError("redisstore: nil *Store; create one with redisstore.New", nil)
	case s.rdb == nil:
		return cometchatcalls.NewStoreError("redisstore: the Store has no Redis client; create it with redisstore.New and a non-nil client", nil)
	case ctx == nil:
		return cometchatcalls.NewStoreError("redisstore: nil context", nil)
	}
	if err := ended(ctx); err != nil {
		return cometchatcalls.NewStoreError("redisstore: "+err.Error(), err)
	}
	return nil
}

func (s *Store) key(appID string) string { return s.prefix + appID }

// fail wraps a failed command. When ctx ended meanwhile, the context error
// joins the cause: go-redis reports a deadline it enforced on the socket
// as a net timeout, and callers test for context.DeadlineExceeded.
func (s *Store) fail(ctx context.Context, what, key string, err error) error {
	cause := err
	if ctxErr := ended(ctx); ctxErr != nil && !errors.Is(err, ctxErr) {
		cause = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return cometchatcalls.NewStoreError("redisstore: "+what+" key "+strconv.Quote(key)+": "+cause.Error(), cause)
}

// ended is ctx.Err(), also when the deadline has passed but the context's
// own timer has not fired yet: a socket deadline set from it may fire
// first, and without ContextTimeoutEnabled go-redis would still send the
// command.
func ended(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// message is the text of err without the "cometchatcalls: CODE: " that
// Error() puts before an *Error's message.
func message(err error) string {
	var e *cometchatcalls.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// String describes the Store by its key prefix and TTL; it never shows the
// Redis client (whose options hold the server's password) nor any value.
func (s *Store) String() string {
	if s == nil {
		return "redisstore.Store(nil)"
	}
	return fmt.Sprintf("redisstore.Store{prefix:%q ttl:%s}", s.prefix, s.ttl)
}

// GoString is String, so %#v shows no more.
func (s *Store) GoString() string { return s.String() }

// Format implements fmt.Formatter so that every verb prints String.
func (s *Store) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
