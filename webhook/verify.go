package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// MaxBodyBytes is the largest body Parse and Handler read: 1 MiB. CometChat's
// call payloads are a few hundred bytes; the bound keeps a client from
// making the server buffer without end.
const MaxBodyBytes = 1 << 20

// The limits CometChat puts on a webhook's Basic auth credentials.
const (
	maxUsername = 50
	maxPassword = 100
)

// ErrTooLarge is Parse's error for a body over MaxBodyBytes (also when an
// http.MaxBytesHandler in front of it cut the body shorter), which Handler
// answers with 413. errors.Is(err, ErrInvalidPayload) holds for it too.
var ErrTooLarge = fmt.Errorf("%w: the body is larger than %d bytes", ErrInvalidPayload, MaxBodyBytes)

// Verifier checks the Basic auth credentials of webhook requests. It is
// immutable and safe for concurrent use.
//
// It keeps the credentials only inside a closure, as SHA-256 digests, so
// that no fmt verb, JSON encoder or logger given a Verifier can print them.
type Verifier struct {
	check func(username, password string) bool
}

// NewVerifier returns a Verifier for the username and password set on the
// webhook in CometChat. Both are required (CometChat's Basic auth is
// optional, but without it anyone who finds the URL can send events); an
// empty one, a username over 50 or a password over 100 characters (CometChat's
// limits) or a username with a colon (which Basic auth cannot carry) is an
// error. The error never contains the password.
func NewVerifier(username, password string) (*Verifier, error) {
	switch {
	case username == "" || password == "":
		return nil, errors.New("webhook: the username and the password must not be empty")
	case utf8.RuneCountInString(username) > maxUsername:
		return nil, fmt.Errorf("webhook: the username is longer than %d characters", maxUsername)
	case utf8.RuneCountInString(password) > maxPassword:
		return nil, fmt.Errorf("webhook: the password is longer than %d characters", maxPassword)
	case strings.Contains(username, ":"):
		return nil, errors.New("webhook: the username contains a colon, which Basic auth cannot carry")
	}
	// Comparing digests of fixed length keeps the comparison's time
	// independent of where, and whether in length, the values differ.
	wantUser, wantPass := sha256.Sum256([]byte(username)), sha256.Sum256([]byte(password))
	return &Verifier{check: func(u, p string) bool {
		gotUser, gotPass := sha256.Sum256([]byte(u)), sha256.Sum256([]byte(p))
		userOK := subtle.ConstantTimeCompare(gotUser[:], wantUser[:])
		passOK := subtle.ConstantTimeCompare(gotPass[:], wantPass[:])
		return userOK&passOK == 1 // both compared, whatever the first gave
	}}, nil
}

// Verify checks r's Authorization header. It returns nil when it carries
// the Verifier's credentials, else an error wrapping ErrUnauthorized (also
// for a nil or zero Verifier, which has no credentials to accept).
func (v *Verifier) Verify(r *http.Request) error {
	if v == nil || v.check == nil {
		return fmt.Errorf("%w: the Verifier was not made by NewVerifier", ErrUnauthorized)
	}
	if r == nil {
		return fmt.Errorf("%w: no request", ErrUnauthorized)
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return fmt.Errorf("%w: no Basic auth credentials", ErrUnauthorized)
	}
	if !v.check(user, pass) {
		return fmt.Errorf("%w: wrong credentials", ErrUnauthorized)
	}
	return nil
}

// Parse verifies r (see Verify), reads its body, at most MaxBodyBytes of
// it, and parses it (see ParseEvent). It does not check the method. Its
// errors wrap ErrUnauthorized or ErrInvalidPayload; a body over
// MaxBodyBytes is ErrTooLarge, which wraps ErrInvalidPayload. Parse reads nothing when the
// credentials are wrong.
func (v *Verifier) Parse(r *http.Request) (*Event, error) {
	if err := v.Verify(r); err != nil {
		return nil, err
	}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	return ParseEvent(body)
}

// readBody reads r's body up to MaxBodyBytes; one byte more is ErrTooLarge.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, ErrTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, ErrTooLarge
	case err != nil:
		return nil, fmt.Errorf("%w: reading the body failed", ErrInvalidPayload)
	case len(body) > MaxBodyBytes:
		return nil, ErrTooLarge
	}
	return body, nil
}
