package cometchatcalls

// UserStatus is a user's presence as CometChat reports it.
type UserStatus string

// The presence values CometChat sends.
const (
	StatusOnline  UserStatus = "online"
	StatusOffline UserStatus = "offline"
)

// User is a CometChat user as the server describes it. Values returned by the
// SDK are copies: changing one never changes the session.
//
// The auth token is deliberately not a field: GetUserAuthToken hands it out
// on request, so printing or logging a User never reveals it.
type User struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name"`
	Avatar        string         `json:"avatar,omitempty"`
	Status        UserStatus     `json:"status,omitempty"`
	Role          string         `json:"role,omitempty"`
	Link          string         `json:"link,omitempty"`
	StatusMessage string         `json:"statusMessage,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	LastActiveAt  int64          `json:"lastActiveAt,omitempty"` // Unix seconds
	CreatedAt     int64          `json:"createdAt,omitempty"`    // Unix seconds
}

// clone returns a deep copy of u: Metadata and Tags are copied too, so the
// copy shares no mutable state with u. A user without metadata or tags costs
// exactly one allocation.
func (u *User) clone() *User {
	c := *u
	c.ownContainers()
	return &c
}

// cloneValue is clone for a copy that lives inside another value (a
// Session): no allocation at all for a user without metadata or tags.
func (u *User) cloneValue() User {
	c := *u
	c.ownContainers()
	return c
}

// ownContainers replaces u's Metadata and Tags with copies, so that u, a
// shallow copy of another user, shares nothing mutable with it.
func (u *User) ownContainers() {
	if u.Metadata != nil {
		u.Metadata = cloneJSONMap(u.Metadata)
	}
	if u.Tags != nil {
		u.Tags = append([]string(nil), u.Tags...)
	}
}

// cloneJSONMap deep-copies a decoded JSON object.
func cloneJSONMap(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = cloneJSONValue(v)
	}
	return c
}

// cloneJSONValue deep-copies the containers encoding/json produces; other
// values (strings, numbers, bools, nil) are immutable and shared.
func cloneJSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneJSONMap(v)
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = cloneJSONValue(e)
		}
		return c
	default:
		return v
	}
}
