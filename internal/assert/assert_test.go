package assert

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"
)

// recorder is a TestingT that keeps what an assertion reported instead of
// failing the real test.
type recorder struct{ failures []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

type point struct{ X, Y int }

// TestAssertions runs every assertion once where it must hold and once
// where it must fail, and checks the report of the failure.
func TestAssertions(t *testing.T) {
	one, other := &point{1, 2}, &point{1, 2}
	var nilPoint *point
	pathErr := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	cases := []struct {
		name       string
		holds      func(TestingT) bool
		fails      func(TestingT) bool
		wantReport string
	}{
		{"Equal",
			func(t TestingT) bool { return Equal(t, []int{1, 2}, []int{1, 2}) },
			func(t TestingT) bool { return Equal(t, 200, int64(200)) },
			"expected: 200 (int)\n\tactual:   200 (int64)"},
		{"Equal strings are quoted",
			func(t TestingT) bool { return Equal(t, "a", "a") },
			func(t TestingT) bool { return Equal(t, "a\tb", "a b") },
			`expected: "a\tb"`},
		{"NotEqual",
			func(t TestingT) bool { return NotEqual(t, point{1, 2}, point{2, 1}) },
			func(t TestingT) bool { return NotEqual(t, point{1, 2}, point{1, 2}) },
			"should not be equal"},
		{"Same",
			func(t TestingT) bool { return Same(t, one, one) },
			func(t TestingT) bool { return Same(t, one, other) },
			"not the same pointer"},
		{"Same needs pointers",
			func(t TestingT) bool { return Same(t, one, one) },
			func(t TestingT) bool { return Same(t, *one, *one) },
			"both must be pointers"},
		{"NotSame",
			func(t TestingT) bool { return NotSame(t, one, other) },
			func(t TestingT) bool { return NotSame(t, one, one) },
			"the same pointer"},
		{"True",
			func(t TestingT) bool { return True(t, true) },
			func(t TestingT) bool { return True(t, false) },
			"should be true"},
		{"False",
			func(t TestingT) bool { return False(t, false) },
			func(t TestingT) bool { return False(t, true) },
			"should be false"},
		{"Nil of a typed nil pointer",
			func(t TestingT) bool { return Nil(t, nilPoint) },
			func(t TestingT) bool { return Nil(t, one) },
			"expected nil"},
		{"NotNil",
			func(t TestingT) bool { return NotNil(t, map[string]int{}) },
			func(t TestingT) bool { return NotNil(t, []int(nil)) },
			"expected a value, got nil ([]int)"},
		{"Zero",
			func(t TestingT) bool { return Zero(t, point{}) },
			func(t TestingT) bool { return Zero(t, []int{}) },
			"should be zero"},
		{"NotZero",
			func(t TestingT) bool { return NotZero(t, time.Second) },
			func(t TestingT) bool { return NotZero(t, "") },
			"should not be zero (string)"},
		{"Empty",
			func(t TestingT) bool { return Empty(t, &[]int{}) },
			func(t TestingT) bool { return Empty(t, map[int]int{1: 1}) },
			"should be empty"},
		{"NotEmpty",
			func(t TestingT) bool { return NotEmpty(t, "x") },
			func(t TestingT) bool { return NotEmpty(t, nil) },
			"should not be empty"},
		{"Len",
			func(t TestingT) bool { return Len(t, "abc", 3) },
			func(t TestingT) bool { return Len(t, []int{1}, 2) },
			"should have 2 item(s), has 1"},
		{"Len of something without one",
			func(t TestingT) bool { return Len(t, map[int]int{}, 0) },
			func(t TestingT) bool { return Len(t, 7, 0) },
			"int has no length"},
		{"Contains a substring",
			func(t TestingT) bool { return Contains(t, "hello world", "lo w") },
			func(t TestingT) bool { return Contains(t, "hello", "x") },
			`"hello"` + "\n\tdoes not contain " + `"x"`},
		{"Contains an element",
			func(t TestingT) bool { return Contains(t, []point{{1, 2}}, point{1, 2}) },
			func(t TestingT) bool { return Contains(t, []point{{1, 2}}, point{2, 1}) },
			"does not contain"},
		{"Contains a key",
			func(t TestingT) bool { return Contains(t, map[string]int{"a": 1}, "a") },
			func(t TestingT) bool { return Contains(t, map[string]int{"a": 1}, "b") },
			"does not contain"},
		{"Contains in something that holds nothing",
			func(t TestingT) bool { return Contains(t, "a", "a") },
			func(t TestingT) bool { return Contains(t, 12, 1) },
			"cannot look for int in int"},
		{"NotContains",
			func(t TestingT) bool { return NotContains(t, "hello", "x") },
			func(t TestingT) bool { return NotContains(t, []string{"a"}, "a") },
			"should not contain"},
		{"JSONEq",
			func(t TestingT) bool { return JSONEq(t, `{"a":1,"b":[2]}`, `{ "b": [2], "a": 1 }`) },
			func(t TestingT) bool { return JSONEq(t, `{"a":1}`, `{"a":"1"}`) },
			"JSON not equal"},
		{"JSONEq of a non-JSON text",
			func(t TestingT) bool { return JSONEq(t, `[]`, `[]`) },
			func(t TestingT) bool { return JSONEq(t, `{}`, `{`) },
			"actual is not JSON"},
		{"Regexp",
			func(t TestingT) bool { return Regexp(t, `^a\d$`, "a1") },
			func(t TestingT) bool { return Regexp(t, regexp.MustCompile(`^a\d$`), 12) },
			`"12" does not match`},
		{"IsType",
			func(t TestingT) bool { return IsType(t, "", "x") },
			func(t TestingT) bool { return IsType(t, map[string]any{}, []any{}) },
			"expected a map[string]interface {}, got []interface {}"},
		{"NoError",
			func(t TestingT) bool { return NoError(t, nil) },
			func(t TestingT) bool { return NoError(t, pathErr) },
			`unexpected error: "open x: file does not exist" (*fs.PathError)`},
		{"Error",
			func(t TestingT) bool { return Error(t, pathErr) },
			func(t TestingT) bool { return Error(t, nil) },
			"expected an error, got nil"},
		{"ErrorIs",
			func(t TestingT) bool { return ErrorIs(t, pathErr, fs.ErrNotExist) },
			func(t TestingT) bool { return ErrorIs(t, pathErr, fs.ErrExist) },
			"error is not the target"},
		{"ErrorAs",
			func(t TestingT) bool {
				var e *fs.PathError
				return ErrorAs(t, fmt.Errorf("w: %w", pathErr), &e) && e == pathErr
			},
			func(t TestingT) bool { var e *fs.PathError; return ErrorAs(t, errors.New("plain"), &e) },
			"no error in the chain is a **fs.PathError"},
		{"Greater",
			func(t TestingT) bool { return Greater(t, 2*time.Second, time.Second) },
			func(t TestingT) bool { return Greater(t, 1, 1) },
			"expected 1 > 1"},
		{"GreaterOrEqual",
			func(t TestingT) bool { return GreaterOrEqual(t, "b", "b") },
			func(t TestingT) bool { return GreaterOrEqual(t, uint8(1), uint8(2)) },
			"expected 0x1 >= 0x2"},
		{"Less",
			func(t TestingT) bool { return Less(t, 1.5, 2.0) },
			func(t TestingT) bool { return Less(t, int64(3), int64(2)) },
			"expected 3 < 2"},
		{"LessOrEqual of two types",
			func(t TestingT) bool { return LessOrEqual(t, 2, 2) },
			func(t TestingT) bool { return LessOrEqual(t, 1, int64(2)) },
			"cannot order int and int64"},
		{"Positive",
			func(t TestingT) bool { return Positive(t, time.Nanosecond) },
			func(t TestingT) bool { return Positive(t, -1) },
			"expected -1 > 0"},
		{"Panics",
			func(t TestingT) bool { return Panics(t, func() { panic("boom") }) },
			func(t TestingT) bool { return Panics(t, func() {}) },
			"should panic"},
		{"NotPanics",
			func(t TestingT) bool { return NotPanics(t, func() {}) },
			func(t TestingT) bool { return NotPanics(t, func() { panic("boom") }) },
			"panicked with boom"},
		{"Eventually",
			func(t TestingT) bool {
				n := 0
				return Eventually(t, func() bool { n++; return n == 3 }, time.Minute, time.Microsecond)
			},
			func(t TestingT) bool {
				return Eventually(t, func() bool { return false }, time.Millisecond, time.Microsecond)
			},
			"condition not met within 1ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r recorder
			if !tc.holds(&r) || len(r.failures) != 0 {
				t.Errorf("should hold; reported %q", r.failures)
			}
			if tc.fails(&r) {
				t.Fatal("should fail, returned true")
			}
			if len(r.failures) != 1 || !strings.Contains(r.failures[0], tc.wantReport) {
				t.Errorf("report %q, want one containing %q", r.failures, tc.wantReport)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	for _, tc := range []struct {
		args []any
		want string
	}{
		{nil, "should be true"},
		{[]any{"the reason"}, "should be true\n\tmessage: the reason"},
		{[]any{"uid %s, try %d", "bob", 2}, "should be true\n\tmessage: uid bob, try 2"},
		{[]any{42}, "should be true\n\tmessage: 42"},
	} {
		var r recorder
		True(&r, false, tc.args...)
		if len(r.failures) != 1 || r.failures[0] != tc.want {
			t.Errorf("True(false, %v) reported %q, want %q", tc.args, r.failures, tc.want)
		}
	}
}
