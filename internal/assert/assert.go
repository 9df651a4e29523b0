// Package assert holds the assertions of the core module's tests: the part
// of testify's assert package those tests use, with the same names and
// arguments, written on the standard library.
//
// It exists so that the core module does not require testify. go mod tidy
// keeps the checksums of the modules our go.mod requires in the go.sum of
// every program that imports the SDK, tests included; a program that only
// wants the SDK and cometchatcallstest should not carry our test tools.
// (redisstore and the examples with their own go.mod still use testify.)
//
// Each function reports a failure with t.Errorf and returns whether it
// held; the require package stops the test instead.
package assert

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
)

// TestingT is what the assertions need of a test: *testing.T, *testing.B
// and testing.TB have it.
type TestingT interface {
	Errorf(format string, args ...any)
	Helper()
}

// fail reports failure, followed by the caller's message, and returns
// false.
func fail(t TestingT, failure string, msgAndArgs []any) bool {
	t.Helper()
	if msg := message(msgAndArgs); msg != "" {
		failure += "\n\tmessage: " + msg
	}
	t.Errorf("%s", failure)
	return false
}

// message formats the optional trailing arguments of an assertion as
// testify does: one value is the message, more are a format and its
// arguments.
func message(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	format, ok := msgAndArgs[0].(string)
	switch {
	case !ok:
		return fmt.Sprint(msgAndArgs...)
	case len(msgAndArgs) == 1:
		return format
	}
	return fmt.Sprintf(format, msgAndArgs[1:]...)
}

// show formats a value for a failure report: strings and bytes quoted (so
// that spaces and control characters are visible), the rest in Go syntax.
func show(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []byte:
		return fmt.Sprintf("[]byte(%q)", v)
	}
	return fmt.Sprintf("%#v", v)
}

// Equal asserts that expected and actual are deeply equal
// (reflect.DeepEqual).
func Equal(t TestingT, expected, actual any, msgAndArgs ...any) bool {
	t.Helper()
	if reflect.DeepEqual(expected, actual) {
		return true
	}
	e, a := show(expected), show(actual)
	if reflect.TypeOf(expected) != reflect.TypeOf(actual) {
		e += fmt.Sprintf(" (%T)", expected)
		a += fmt.Sprintf(" (%T)", actual)
	}
	return fail(t, "not equal:\n\texpected: "+e+"\n\tactual:   "+a, msgAndArgs)
}

// NotEqual asserts that expected and actual are not deeply equal.
func NotEqual(t TestingT, expected, actual any, msgAndArgs ...any) bool {
	t.Helper()
	if !reflect.DeepEqual(expected, actual) {
		return true
	}
	return fail(t, "should not be equal: "+show(actual), msgAndArgs)
}

// Same asserts that expected and actual are pointers of one type to the
// same value.
func Same(t TestingT, expected, actual any, msgAndArgs ...any) bool {
	t.Helper()
	same, ok := samePointer(expected, actual)
	if !ok {
		return fail(t, fmt.Sprintf("both must be pointers, got %T and %T", expected, actual), msgAndArgs)
	}
	if !same {
		return fail(t, fmt.Sprintf("not the same pointer: %p (%T) and %p (%T)", expected, expected, actual, actual), msgAndArgs)
	}
	return true
}

// NotSame asserts that expected and actual are pointers to different
// values (or of different types).
func NotSame(t TestingT, expected, actual any, msgAndArgs ...any) bool {
	t.Helper()
	same, ok := samePointer(expected, actual)
	if !ok {
		return fail(t, fmt.Sprintf("both must be pointers, got %T and %T", expected, actual), msgAndArgs)
	}
	if same {
		return fail(t, fmt.Sprintf("the same pointer: %p (%T)", expected, expected), msgAndArgs)
	}
	return true
}

// samePointer reports whether a and b are the same pointer; ok is false
// when either is not a pointer.
func samePointer(a, b any) (same, ok bool) {
	av, bv := reflect.ValueOf(a), reflect.ValueOf(b)
	if av.Kind() != reflect.Pointer || bv.Kind() != reflect.Pointer {
		return false, false
	}
	return av.Type() == bv.Type() && av.Pointer() == bv.Pointer(), true
}

// True asserts that value is true.
func True(t TestingT, value bool, msgAndArgs ...any) bool {
	t.Helper()
	if value {
		return true
	}
	return fail(t, "should be true", msgAndArgs)
}

// False asserts that value is false.
func False(t TestingT, value bool, msgAndArgs ...any) bool {
	t.Helper()
	if !value {
		return true
	}
	return fail(t, "should be false", msgAndArgs)
}

// Nil asserts that object is nil: a nil interface, or a nil pointer, map,
// slice, channel or function inside one.
func Nil(t TestingT, object any, msgAndArgs ...any) bool {
	t.Helper()
	if isNil(object) {
		return true
	}
	return fail(t, "expected nil, got "+show(object), msgAndArgs)
}

// NotNil asserts that object is not nil (see Nil).
func NotNil(t TestingT, object any, msgAndArgs ...any) bool {
	t.Helper()
	if !isNil(object) {
		return true
	}
	return fail(t, fmt.Sprintf("expected a value, got nil (%T)", object), msgAndArgs)
}

func isNil(object any) bool {
	if object == nil {
		return true
	}
	v := reflect.ValueOf(object)
	switch v.Kind() {
	case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice, reflect.UnsafePointer:
		return v.IsNil()
	}
	return false
}

// Zero asserts that i is the zero value of its type.
func Zero(t TestingT, i any, msgAndArgs ...any) bool {
	t.Helper()
	if i == nil || reflect.ValueOf(i).IsZero() {
		return true
	}
	return fail(t, "should be zero, got "+show(i), msgAndArgs)
}

// NotZero asserts that i is not the zero value of its type.
func NotZero(t TestingT, i any, msgAndArgs ...any) bool {
	t.Helper()
	if i != nil && !reflect.ValueOf(i).IsZero() {
		return true
	}
	return fail(t, fmt.Sprintf("should not be zero (%T)", i), msgAndArgs)
}

// JSONEq asserts that two JSON texts hold the same value, whatever their
// spacing and key order.
func JSONEq(t TestingT, expected, actual string, msgAndArgs ...any) bool {
	t.Helper()
	var e, a any
	if err := json.Unmarshal([]byte(expected), &e); err != nil {
		return fail(t, "expected is not JSON: "+err.Error(), msgAndArgs)
	}
	if err := json.Unmarshal([]byte(actual), &a); err != nil {
		return fail(t, "actual is not JSON: "+err.Error(), msgAndArgs)
	}
	if reflect.DeepEqual(e, a) {
		return true
	}
	return fail(t, "JSON not equal:\n\texpected: "+expected+"\n\tactual:   "+actual, msgAndArgs)
}

// Regexp asserts that rx (a *regexp.Regexp or a pattern string) matches
// fmt.Sprint(str).
func Regexp(t TestingT, rx any, str any, msgAndArgs ...any) bool {
	t.Helper()
	re, ok := rx.(*regexp.Regexp)
	if !ok {
		re = regexp.MustCompile(fmt.Sprint(rx))
	}
	s := fmt.Sprint(str)
	if re.MatchString(s) {
		return true
	}
	return fail(t, fmt.Sprintf("%q does not match `%s`", s, re), msgAndArgs)
}

// IsType asserts that object has the same type as expectedType.
func IsType(t TestingT, expectedType, object any, msgAndArgs ...any) bool {
	t.Helper()
	if reflect.TypeOf(object) == reflect.TypeOf(expectedType) {
		return true
	}
	return fail(t, fmt.Sprintf("expected a %T, got %T", expectedType, object), msgAndArgs)
}
