package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/cometchat-go/cometchatcalls"
)

// maxValueSize is the largest value the Store reads: the limit FileStore
// puts on its session file (1 MiB), thousands of times a session's few
// hundred bytes. A larger value is not a session, and reading it whole
// would cost the process that much memory (a key of up to 512 MB that
// another program wrote), so it is refused unread.
const maxValueSize = 1 << 20

// getBounded returns the value of KEYS[1] when it is at most ARGV[1]
// bytes long, else its length (an integer) without the value, in one
// round trip: the length check and the read are atomic, so a value that
// grows in between cannot slip through. A missing key answers nil, as
// GET does (STRLEN counts it as 0); a key of another type fails with
// WRONGTYPE, as GET does. The script touches one key, so in a Cluster it
// runs on the node that owns the key's slot.
var getBounded = redis.NewScript(getBoundedSource)

const getBoundedSource = `
local n = redis.call('STRLEN', KEYS[1])
if n > tonumber(ARGV[1]) then
	return n
end
return redis.call('GET', KEYS[1])
`

// get reads the value at key, refusing one over maxValueSize with
// ERROR_SESSION_STORE before any of it crosses the network. A missing key
// is redis.Nil; what names the operation in errors ("loading").
func (s *Store) get(ctx context.Context, key, what string) ([]byte, error) {
	v, err := getBounded.Run(ctx, s.rdb, []string{key}, maxValueSize).Result()
	if errors.Is(err, redis.Nil) {
		return nil, redis.Nil
	}
	if err != nil {
		return nil, s.fail(ctx, what, key, err)
	}
	switch v := v.(type) {
	case string:
		return []byte(v), nil
	case int64:
		return nil, cometchatcalls.NewStoreError(fmt.Sprintf("redisstore: key %s does not hold a session: larger than 1 MiB (%d bytes); not read", // maxValueSize
			strconv.Quote(key), v), nil)
	}
	return nil, cometchatcalls.NewStoreError(fmt.Sprintf("redisstore: key %s: unexpected answer of type %T to the bounded read", strconv.Quote(key), v), nil)
}
