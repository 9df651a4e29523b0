package cometchatcalls

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The versioned JSON format that FileStore writes and EncodeSession and
// DecodeSession speak. Its records are deliberately separate from Session
// and User so that a change to those types cannot change the format by
// accident. Readers reject unknown fields at every level (the document is
// ours, so an unknown field means a newer format or another program), with
// one exception: user.metadata holds whatever the server sent.
//
//	{"version": 1, "sessions": {"<appId>": {"appId": "<appId>",
//	  "user": {"uid": …, "name": …, …}, "authToken": "…",
//	  "createdAt": "<RFC 3339, UTC, nanoseconds>"}}}

// fileStoreVersion is the format version this SDK writes and the newest one
// it reads. Any change to the records (a new field included) needs a new
// version, because readers reject unknown fields.
const fileStoreVersion = 1

// maxFileStoreSize bounds a session document. Far more than any real set of
// sessions needs; it stops a wrong path (a log file, a disk image) from
// being read into memory.
const maxFileStoreSize = 1 << 20

type fileDoc struct {
	Version  int                    `json:"version"`
	Sessions map[string]*fileRecord `json:"sessions"`
}

type fileRecord struct {
	AppID     string    `json:"appId"`
	User      *fileUser `json:"user"`
	AuthToken string    `json:"authToken"`
	CreatedAt time.Time `json:"createdAt"`
}

type fileUser struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name,omitempty"`
	Avatar        string         `json:"avatar,omitempty"`
	Status        string         `json:"status,omitempty"`
	Role          string         `json:"role,omitempty"`
	Link          string         `json:"link,omitempty"`
	StatusMessage string         `json:"statusMessage,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	LastActiveAt  int64          `json:"lastActiveAt,omitempty"`
	CreatedAt     int64          `json:"createdAt,omitempty"`
}

// EncodeSession encodes s in the versioned JSON format that FileStore
// writes, as a document holding this one session. Stores of your own (and
// redisstore) use it so that every store of this SDK reads and writes the
// same format. The output holds the auth token: keep it as private as the
// session itself.
//
// A nil session, or one without an app ID, a user UID or an auth token, is
// ERROR_SESSION_STORE.
func EncodeSession(s *Session) ([]byte, error) {
	if s == nil {
		return nil, errNilSession
	}
	if err := validateStoredSession(s); err != nil {
		return nil, err
	}
	return encodeFileStore(&fileDoc{Version: fileStoreVersion, Sessions: map[string]*fileRecord{s.AppID: recordOf(s)}})
}

// DecodeSession parses a document written by EncodeSession (or a FileStore
// file) and returns the session stored for appID, or (nil, nil) when it
// holds none. The caller owns the result. A corrupt or foreign document is
// ERROR_SESSION_STORE with a message that names the problem and never
// quotes a token.
func DecodeSession(data []byte, appID string) (*Session, error) {
	doc, err := decodeFileStore(data)
	if err != nil {
		return nil, err
	}
	r, ok := doc.Sessions[appID]
	if !ok {
		return nil, nil
	}
	return r.session(), nil
}

// validateStoredSession refuses what the format cannot hold or what
// decodeFileStore would reject, so that nothing unreadable is ever written.
func validateStoredSession(s *Session) error {
	switch {
	case s.AppID == "":
		return newError(CodeSessionStore, "cannot save a session without an app ID")
	case s.User.UID == "":
		return newError(CodeSessionStore, "cannot save a session without a user UID")
	case s.AuthToken == "":
		return newError(CodeSessionStore, "cannot save a session without an auth token")
	}
	if y := s.CreatedAt.UTC().Year(); y < 0 || y > 9999 {
		return newError(CodeSessionStore, "cannot save a session created outside the years 0-9999")
	}
	return nil
}

// recordOf converts s for encoding. It shares s's Metadata and Tags, which is
// fine because the record is encoded and dropped before the caller returns.
func recordOf(s *Session) *fileRecord {
	u := &s.User
	return &fileRecord{
		AppID: s.AppID,
		User: &fileUser{
			UID:           u.UID,
			Name:          u.Name,
			Avatar:        u.Avatar,
			Status:        string(u.Status),
			Role:          u.Role,
			Link:          u.Link,
			StatusMessage: u.StatusMessage,
			Metadata:      u.Metadata,
			Tags:          u.Tags,
			LastActiveAt:  u.LastActiveAt,
			CreatedAt:     u.CreatedAt,
		},
		AuthToken: s.AuthToken,
		CreatedAt: s.CreatedAt.UTC(),
	}
}

// session converts a decoded record. The record was decoded for this call
// alone, so its maps and slices can go to the caller without a copy.
func (r *fileRecord) session() *Session {
	u := r.User
	return &Session{
		AppID: r.AppID,
		User: User{
			UID:           u.UID,
			Name:          u.Name,
			Avatar:        u.Avatar,
			Status:        UserStatus(u.Status),
			Role:          u.Role,
			Link:          u.Link,
			StatusMessage: u.StatusMessage,
			Metadata:      u.Metadata,
			Tags:          u.Tags,
			LastActiveAt:  u.LastActiveAt,
			CreatedAt:     u.CreatedAt,
		},
		AuthToken: r.AuthToken,
		CreatedAt: r.CreatedAt,
	}
}

// encodeFileStore renders doc as the document's bytes: indented for people
// reading it, keys sorted (encoding/json sorts map keys), ending in a newline.
func encodeFileStore(doc *fileDoc) ([]byte, error) {
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// decodeFileStore parses a session document strictly. It returns either a
// complete document or an *Error (ERROR_SESSION_STORE, made by formatError)
// describing the problem, never both.
//
// The result is normalised so that encoding it and decoding again gives an
// equal value: times in UTC, empty metadata and tags as nil (the encoder
// omits them).
func decodeFileStore(data []byte) (*fileDoc, error) {
	if len(bytes.TrimLeft(data, " \t\r\n")) == 0 {
		return nil, formatError("empty; not a session document", nil)
	}
	// First the envelope, leniently, so that another program's JSON and a
	// newer format get their own message rather than "unknown field".
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, formatError("not a cometchatcalls session document", err)
		}
		return nil, formatError("not valid JSON", err)
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, formatError(fmt.Sprintf("data after the JSON value (at byte %d)", dec.InputOffset()), nil)
	}
	if top == nil {
		return nil, formatError("not a cometchatcalls session document: JSON null", nil)
	}
	rawVersion, ok := top["version"]
	if !ok {
		return nil, formatError(`not a cometchatcalls session document: no "version" field`, nil)
	}
	var version int
	if err := json.Unmarshal(rawVersion, &version); err != nil || bytes.Equal(rawVersion, []byte("null")) {
		return nil, formatError(`not a cometchatcalls session document: "version" is not an integer`, nil)
	}
	if version > fileStoreVersion {
		return nil, formatError(fmt.Sprintf("format version %d is newer than this SDK's (%d); upgrade the SDK", version, fileStoreVersion), nil)
	}
	if version < 1 {
		return nil, formatError(fmt.Sprintf("invalid format version %d", version), nil)
	}
	for k := range top {
		if k != "version" && k != "sessions" {
			return nil, formatError("unknown field "+quoteName(k), nil)
		}
	}
	rawSessions, ok := top["sessions"]
	if !ok || bytes.Equal(rawSessions, []byte("null")) {
		return nil, formatError(`no "sessions" object`, nil)
	}
	sessions := map[string]*fileRecord{}
	sdec := json.NewDecoder(bytes.NewReader(rawSessions))
	sdec.DisallowUnknownFields()
	if err := sdec.Decode(&sessions); err != nil {
		return nil, formatError(`invalid "sessions" object`, err)
	}
	for key, r := range sessions {
		if err := r.normalise(key); err != nil {
			return nil, err
		}
	}
	return &fileDoc{Version: version, Sessions: sessions}, nil
}

// normalise checks a decoded record stored under key and puts it in the
// form that re-encodes to itself.
func (r *fileRecord) normalise(key string) *Error {
	where := "the session for app ID " + quoteName(key)
	switch {
	case r == nil:
		return formatError(where+" is null", nil)
	case r.AppID == "":
		return formatError(where+" has no appId", nil)
	case r.AppID != key:
		return formatError(where+" names another app ID, "+quoteName(r.AppID), nil)
	case r.User == nil:
		return formatError(where+" has no user", nil)
	case r.User.UID == "":
		return formatError(where+" has no user uid", nil)
	case r.AuthToken == "":
		return formatError(where+" has no authToken", nil)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if y := r.CreatedAt.Year(); y < 0 || y > 9999 {
		return formatError(where+" has a createdAt outside the years 0-9999", nil)
	}
	if len(r.User.Metadata) == 0 {
		r.User.Metadata = nil
	}
	if len(r.User.Tags) == 0 {
		r.User.Tags = nil
	}
	return nil
}

// formatError is the ERROR_SESSION_STORE for a document this SDK cannot
// read: problem, followed by where the decoder failed when decodeErr is
// set. Only the position or the field name of decodeErr is shown, and
// decodeErr is not wrapped: encoding/json and the time parser quote the
// values they reject, and a value may be a token.
func formatError(problem string, decodeErr error) *Error {
	var (
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
		badTime   *time.ParseError
	)
	detail := ""
	switch {
	case decodeErr == nil:
	case errors.As(decodeErr, &syntax):
		detail = fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	case errors.Is(decodeErr, io.ErrUnexpectedEOF):
		detail = "truncated"
	case errors.As(decodeErr, &wrongType):
		// Value is the JSON kind, with the literal for a number out of
		// range ("number 1e999"): keep the kind only.
		kind, _, _ := strings.Cut(wrongType.Value, " ")
		detail = "unexpected JSON " + kind
		if wrongType.Field != "" {
			detail = "field " + quoteName(wrongType.Field) + ": " + detail
		}
	case errors.As(decodeErr, &badTime), strings.HasPrefix(decodeErr.Error(), "Time.UnmarshalJSON"):
		detail = "createdAt is not an RFC 3339 time"
	case strings.HasPrefix(decodeErr.Error(), "json: unknown field "):
		// encoding/json has no typed error for this one.
		name := strings.Trim(strings.TrimPrefix(decodeErr.Error(), "json: unknown field "), `"`)
		detail = "unknown field " + quoteName(name)
	default:
		detail = "invalid value"
	}
	if detail != "" {
		problem += ": " + detail
	}
	return newError(CodeSessionStore, problem)
}

// quoteName quotes an app ID or a field name for a message, cut to a length
// that keeps the message one readable line.
func quoteName(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}

// tooLarge is the problem of a session file over maxFileStoreSize.
func tooLarge(size int64) *Error {
	return formatError(fmt.Sprintf("larger than 1 MiB (%d bytes); not a session file", size), nil)
}
