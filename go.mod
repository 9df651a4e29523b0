module github.com/cometchat-go/cometchatcalls

go 1.24

require (
	github.com/go-resty/resty/v2 v2.17.2
	github.com/gofrs/flock v0.12.1
	github.com/jarcoal/httpmock v1.4.2
	github.com/stretchr/testify v1.11.1
	go.uber.org/goleak v1.3.0
	golang.org/x/sys v0.35.0
	golang.org/x/term v0.34.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/kr/text v0.2.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/rogpeppe/go-internal v1.9.0 // indirect
	golang.org/x/net v0.43.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
