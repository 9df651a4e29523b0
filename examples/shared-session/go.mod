module github.com/cometchat-go/cometchatcalls/examples/shared-session

go 1.24

require (
	github.com/cometchat-go/cometchatcalls v0.0.0
	github.com/cometchat-go/cometchatcalls/redisstore v0.0.0
	github.com/redis/go-redis/v9 v9.22.0
	github.com/stretchr/testify v1.11.1
	go.uber.org/goleak v1.3.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/go-resty/resty/v2 v2.17.2 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/rogpeppe/go-internal v1.9.0 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/net v0.43.0 // indirect
	golang.org/x/sys v0.35.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace (
	github.com/cometchat-go/cometchatcalls => ../..
	github.com/cometchat-go/cometchatcalls/redisstore => ../../redisstore
)
