package cometchatcalls

import (
	"fmt"
	"log/slog"
)

// identity is what a Client or an AdminClient shows of itself wherever Go
// prints a value: the app ID and region, and in logs the hosts; never a
// credential, a session or the internals. Both types build it and
// delegate their String, GoString, Format and LogValue to it, so the two
// cannot drift apart.
type identity struct {
	kind   string // "Client" or "AdminClient"
	isNil  bool
	appID  string
	region string
	t      *transport // nil for a zero value
}

func (id identity) String() string {
	if id.isNil {
		return "cometchatcalls." + id.kind + "(nil)"
	}
	return fmt.Sprintf("cometchatcalls.%s{AppID:%q Region:%q}", id.kind, id.appID, id.region)
}

// LogValue is the app ID, region and hosts. The hosts hold no credential:
// base URLs with user info are refused by the options.
func (id identity) LogValue() slog.Value {
	if id.isNil {
		return slog.StringValue(id.String())
	}
	attrs := []slog.Attr{slog.String("appId", id.appID), slog.String("region", id.region)}
	if id.t != nil {
		attrs = append(attrs,
			slog.String("adminHost", id.t.adminBase),
			slog.String("clientHost", id.t.clientBase),
			slog.String("callHost", id.t.callBase))
	}
	return slog.GroupValue(attrs...)
}

func (c *Client) identity() identity {
	if c == nil {
		return identity{kind: "Client", isNil: true}
	}
	return identity{kind: "Client", appID: c.appID, region: c.region, t: c.t}
}

// AppID returns the app ID the Client was made for.
func (c *Client) AppID() string { return c.identity().appID }

// Region returns the Client's region, in lower case.
func (c *Client) Region() string { return c.identity().region }

// String describes the Client by its app ID and region, without any
// credential.
func (c *Client) String() string { return c.identity().String() }

// GoString implements fmt.GoStringer like String.
func (c *Client) GoString() string { return c.identity().String() }

// Format implements fmt.Formatter: every verb prints String, so %+v and %#v
// never walk the Client's internals.
func (c *Client) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c) }

// LogValue implements slog.LogValuer: the app ID, region and hosts, never
// a credential or the session.
func (c *Client) LogValue() slog.Value { return c.identity().LogValue() }

func (a *AdminClient) identity() identity {
	if a == nil {
		return identity{kind: "AdminClient", isNil: true}
	}
	return identity{kind: "AdminClient", appID: a.appID, region: a.region, t: a.t}
}

// AppID returns the app ID the AdminClient was made for.
func (a *AdminClient) AppID() string { return a.identity().appID }

// Region returns the AdminClient's region, in lower case.
func (a *AdminClient) Region() string { return a.identity().region }

// String describes the AdminClient by its app ID and region only; the API
// key is never shown.
func (a *AdminClient) String() string { return a.identity().String() }

// GoString implements fmt.GoStringer like String.
func (a *AdminClient) GoString() string { return a.identity().String() }

// Format implements fmt.Formatter: every verb prints String, so %+v and %#v
// never walk the AdminClient's internals.
func (a *AdminClient) Format(f fmt.State, verb rune) { formatRedacted(f, verb, a) }

// LogValue implements slog.LogValuer: the app ID, region and hosts, never
// the API key.
func (a *AdminClient) LogValue() slog.Value { return a.identity().LogValue() }
