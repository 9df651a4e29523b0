// Command shared-session shows two instances of a backend sharing one
// logged-in user through Redis (package redisstore): instance A logs in,
// instance B, with a Redis connection of its own as a separate process
// would have, finds the user without a request to CometChat, and a logout
// by A ends the session for every instance.
//
//	go run . -redis 127.0.0.1:6379   # or REDIS_ADDR=127.0.0.1:6379 go run .
//
// It talks to the embedded CometChat emulator (package
// cometchatcallstest), so it needs no account and no network, only a
// redis-server. Against real CometChat, pass your app ID, region and
// cometchatcalls options instead of the emulator's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/redisstore"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("shared-session", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("redis", getenv("REDIS_ADDR"), "the Redis address, host:port (default: $REDIS_ADDR)")
	prefix := fs.String("prefix", "cometchatcalls:example:session:", "the key prefix of the sessions")
	uid := fs.String("uid", "cometchat-uid-1", "the uid to log in as")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *addr == "" {
		fmt.Fprintln(stderr, "shared-session: no Redis address: pass -redis host:port or set REDIS_ADDR")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := share(ctx, stdout, *addr, *prefix, *uid); err != nil {
		fmt.Fprintln(stderr, "shared-session:", err)
		return 1
	}
	return 0
}

// instance is one backend process: a Redis connection and a Client of its own.
type instance struct {
	rdb    *redis.Client
	client *cometchatcalls.Client
}

func newInstance(addr, prefix string, srv *cometchatcallstest.Server) (*instance, error) {
	// ContextTimeoutEnabled lets a context's deadline bound each command.
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
	store := redisstore.New(rdb, redisstore.WithKeyPrefix(prefix))
	client, err := cometchatcalls.New(srv.AppID(), srv.Region(),
		append(srv.ClientOptions(), cometchatcalls.WithSessionStore(store))...)
	if err != nil {
		_ = rdb.Close()
		return nil, err
	}
	return &instance{rdb: rdb, client: client}, nil
}

func (i *instance) close() {
	_ = i.client.Close()
	_ = i.rdb.Close()
}

func share(ctx context.Context, out io.Writer, addr, prefix, uid string) error {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	fmt.Fprintln(out, "Using the embedded CometChat emulator and Redis at", addr)

	a, err := newInstance(addr, prefix, srv)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis at %s does not answer: %w", addr, err)
	}
	user, err := a.client.Login(ctx, uid, srv.AuthKey())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Instance A logged in as %s (%s); the session is in Redis under %s\n",
		user.Name, user.UID, strconv.Quote(prefix+srv.AppID()))

	b, err := newInstance(addr, prefix, srv)
	if err != nil {
		return err
	}
	defer b.close()
	before := len(srv.Requests())
	user, err = b.client.GetLoggedInUser(ctx) // reads Redis, no request to CometChat
	if err != nil {
		return err
	}
	if user == nil {
		return errors.New("instance B found no session")
	}
	fmt.Fprintf(out, "Instance B found %s (%s) in Redis with %d requests to CometChat\n",
		user.Name, user.UID, len(srv.Requests())-before)
	if _, err := b.client.ValidateSession(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "Instance B: the server accepts the shared session")

	if err := a.client.Logout(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "Instance A logged out: the session is gone from Redis")

	c, err := newInstance(addr, prefix, srv)
	if err != nil {
		return err
	}
	defer c.close()
	user, err = c.client.GetLoggedInUser(ctx)
	switch {
	case err != nil:
		return err
	case user != nil:
		return fmt.Errorf("a new instance still found %s", user.UID)
	}
	fmt.Fprintln(out, "A new instance C finds nobody logged in")
	return nil
}
