package cometchatcalls

// SharedPoolUsers tells the tests of package cometchatcalls_test how many
// clients hold a share of the shared connection pool.
func SharedPoolUsers() int {
	sharedPool.mu.Lock()
	defer sharedPool.mu.Unlock()
	return sharedPool.users
}

// MaxConnsPerHost is the shared pool's bound on connections per host.
const MaxConnsPerHost = maxConnsPerHost
