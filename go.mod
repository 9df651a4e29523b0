module github.com/cometchat-go/cometchatcalls

go 1.24

require (
	github.com/davecgh/go-spew v1.1.1
	github.com/go-resty/resty/v2 v2.17.2
	github.com/jarcoal/httpmock v1.4.2
	golang.org/x/sys v0.35.0
)

require golang.org/x/net v0.43.0 // indirect
