package webhook

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// CometChat sends the same field as a JSON string in one payload and as a
// number or boolean in another ("audio_call":"false", "startTime":"1696937627",
// "created_at":1696934692). The types below accept each scalar in either
// form, so that a change of form on CometChat's side is not a failed delivery.
// Their errors name what was expected, never the value, which came from the
// network.

// valueError is a field that holds a value of the wrong kind.
type valueError struct{ want string }

func (e *valueError) Error() string { return "a field is not " + e.want }

// scalarText returns the text of a JSON scalar: a string's content, or a
// number's or boolean's literal. null is "", with ok true; objects and
// arrays are not scalars.
func scalarText(b []byte) (text string, wasString, ok bool) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return "", false, false
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false, false
		}
		return s, true, true
	case b[0] == '{' || b[0] == '[':
		return "", false, false
	case string(b) == "null":
		return "", false, true
	}
	return string(b), false, true // a number, true or false: encoding/json has validated it
}

// flexString is a string, or a number or boolean kept as its literal.
type flexString struct {
	s         string
	wasString bool
}

func (f *flexString) UnmarshalJSON(b []byte) error {
	s, wasString, ok := scalarText(b)
	if !ok {
		return &valueError{"a string, number or boolean"}
	}
	*f = flexString{s: s, wasString: wasString}
	return nil
}

// flexBool is true, false, or a string strconv.ParseBool accepts ("true",
// "false", "1", "0", …). null and "" are false.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	s, _, ok := scalarText(b)
	if !ok {
		return &valueError{"a boolean"}
	}
	if s == "" {
		*f = false
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return &valueError{"a boolean"}
	}
	*f = flexBool(v)
	return nil
}

// Unix seconds of 0001-01-01 and 9999-12-31T23:59:59Z: the times a Go
// program can format and compare without surprises.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// flexTime is a Unix time in seconds, as a number or a numeric string,
// possibly with a fraction. null and "" are the zero time.
type flexTime struct{ t time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	s, _, ok := scalarText(b)
	if !ok {
		return &valueError{"a Unix time"}
	}
	if s == "" {
		f.t = time.Time{}
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < minUnix || n > maxUnix {
			return &valueError{"a Unix time in years 1 to 9999"}
		}
		f.t = time.Unix(n, 0).UTC()
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= minUnix && v <= maxUnix) { // the negation catches NaN
		return &valueError{"a Unix time"}
	}
	sec, frac := math.Modf(v)
	f.t = time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC()
	return nil
}

// flexDuration is a number of seconds, as a number or a numeric string
// ("21.433000"). null and "" are 0.
type flexDuration time.Duration

func (f *flexDuration) UnmarshalJSON(b []byte) error {
	s, _, ok := scalarText(b)
	if !ok {
		return &valueError{"a number of seconds"}
	}
	if s == "" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	// The bound (about 285 years) keeps the nanoseconds within int64.
	if err != nil || !(v >= 0 && v <= 9e9) {
		return &valueError{"a number of seconds"}
	}
	*f = flexDuration(math.Round(v * 1e9))
	return nil
}
