module github.com/cometchat-go/cometchatcalls

go 1.24

require (
	github.com/davecgh/go-spew v1.1.1
	github.com/go-resty/resty/v2 v2.17.2
	github.com/gofrs/flock v0.12.1
	github.com/jarcoal/httpmock v1.4.2
)

require (
	github.com/stretchr/testify v1.11.1 // indirect
	golang.org/x/net v0.43.0 // indirect
	golang.org/x/sys v0.35.0 // indirect
)
