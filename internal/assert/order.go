package assert

import (
	"cmp"
	"fmt"
	"reflect"
)

// Greater asserts that e1 > e2. Both must be numbers or strings of one type.
func Greater(t TestingT, e1, e2 any, msgAndArgs ...any) bool {
	t.Helper()
	return order(t, e1, e2, ">", func(c int) bool { return c > 0 }, msgAndArgs)
}

// GreaterOrEqual asserts that e1 >= e2 (see Greater).
func GreaterOrEqual(t TestingT, e1, e2 any, msgAndArgs ...any) bool {
	t.Helper()
	return order(t, e1, e2, ">=", func(c int) bool { return c >= 0 }, msgAndArgs)
}

// Less asserts that e1 < e2 (see Greater).
func Less(t TestingT, e1, e2 any, msgAndArgs ...any) bool {
	t.Helper()
	return order(t, e1, e2, "<", func(c int) bool { return c < 0 }, msgAndArgs)
}

// LessOrEqual asserts that e1 <= e2 (see Greater).
func LessOrEqual(t TestingT, e1, e2 any, msgAndArgs ...any) bool {
	t.Helper()
	return order(t, e1, e2, "<=", func(c int) bool { return c <= 0 }, msgAndArgs)
}

// Positive asserts that e > 0, for a number of any type.
func Positive(t TestingT, e any, msgAndArgs ...any) bool {
	t.Helper()
	v := reflect.ValueOf(e)
	if !v.IsValid() {
		return fail(t, "cannot compare nil with 0", msgAndArgs)
	}
	return order(t, e, reflect.Zero(v.Type()).Interface(), ">", func(c int) bool { return c > 0 }, msgAndArgs)
}

func order(t TestingT, e1, e2 any, op string, holds func(int) bool, msgAndArgs []any) bool {
	t.Helper()
	c, ok := compare(e1, e2)
	if !ok {
		return fail(t, fmt.Sprintf("cannot order %T and %T", e1, e2), msgAndArgs)
	}
	if holds(c) {
		return true
	}
	return fail(t, fmt.Sprintf("expected %s %s %s", show(e1), op, show(e2)), msgAndArgs)
}

// compare orders two numbers or strings of one type; ok is false for
// anything else.
func compare(a, b any) (c int, ok bool) {
	av, bv := reflect.ValueOf(a), reflect.ValueOf(b)
	if !av.IsValid() || !bv.IsValid() || av.Type() != bv.Type() {
		return 0, false
	}
	switch av.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(av.Int(), bv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(av.Uint(), bv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(av.Float(), bv.Float()), true
	case reflect.String:
		return cmp.Compare(av.String(), bv.String()), true
	}
	return 0, false
}
