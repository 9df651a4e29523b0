package assert

import (
	"fmt"
	"reflect"
	"strings"
)

// Empty asserts that object is empty: nil, a zero value, a string, slice,
// map or channel of length 0, or a pointer to an empty value.
func Empty(t TestingT, object any, msgAndArgs ...any) bool {
	t.Helper()
	if isEmpty(object) {
		return true
	}
	return fail(t, "should be empty, got "+show(object), msgAndArgs)
}

// NotEmpty asserts that object is not empty (see Empty).
func NotEmpty(t TestingT, object any, msgAndArgs ...any) bool {
	t.Helper()
	if !isEmpty(object) {
		return true
	}
	return fail(t, fmt.Sprintf("should not be empty, got %s (%T)", show(object), object), msgAndArgs)
}

func isEmpty(object any) bool {
	if object == nil {
		return true
	}
	v := reflect.ValueOf(object)
	switch v.Kind() {
	case reflect.Chan, reflect.Map, reflect.Slice:
		return v.Len() == 0
	case reflect.Pointer:
		return v.IsNil() || isEmpty(v.Elem().Interface())
	}
	return v.IsZero()
}

// Len asserts that object (a string, array, slice, map or channel) has
// length n.
func Len(t TestingT, object any, n int, msgAndArgs ...any) bool {
	t.Helper()
	v := reflect.ValueOf(object)
	switch v.Kind() {
	case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
	default:
		return fail(t, fmt.Sprintf("%T has no length", object), msgAndArgs)
	}
	if v.Len() == n {
		return true
	}
	return fail(t, fmt.Sprintf("should have %d item(s), has %d: %s", n, v.Len(), show(object)), msgAndArgs)
}

// Contains asserts that s contains element: a substring of a string, an
// element (deeply equal) of an array or slice, or a key of a map.
func Contains(t TestingT, s, element any, msgAndArgs ...any) bool {
	t.Helper()
	found, ok := includes(s, element)
	if !ok {
		return fail(t, fmt.Sprintf("cannot look for %T in %T", element, s), msgAndArgs)
	}
	if !found {
		return fail(t, show(s)+"\n\tdoes not contain "+show(element), msgAndArgs)
	}
	return true
}

// NotContains asserts that s does not contain element (see Contains).
func NotContains(t TestingT, s, element any, msgAndArgs ...any) bool {
	t.Helper()
	found, ok := includes(s, element)
	if !ok {
		return fail(t, fmt.Sprintf("cannot look for %T in %T", element, s), msgAndArgs)
	}
	if found {
		return fail(t, show(s)+"\n\tshould not contain "+show(element), msgAndArgs)
	}
	return true
}

// includes reports whether list includes element; ok is false when list
// cannot hold it.
func includes(list, element any) (found, ok bool) {
	l := reflect.ValueOf(list)
	switch l.Kind() {
	case reflect.String:
		e := reflect.ValueOf(element)
		if e.Kind() != reflect.String {
			return false, false
		}
		return strings.Contains(l.String(), e.String()), true
	case reflect.Map:
		for _, k := range l.MapKeys() {
			if reflect.DeepEqual(k.Interface(), element) {
				return true, true
			}
		}
		return false, true
	case reflect.Array, reflect.Slice:
		for i := range l.Len() {
			if reflect.DeepEqual(l.Index(i).Interface(), element) {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}
