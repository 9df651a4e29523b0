package cometchatcalls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUserCloneValueIsDeep: the copy that commit hands the store shares no
// map or slice with the session's user.
func TestUserCloneValueIsDeep(t *testing.T) {
	u := &User{UID: "u1", Name: "N", Metadata: map[string]any{"a": map[string]any{"b": []any{"c"}}}, Tags: []string{"t"}}
	c := u.cloneValue()
	c.Metadata["a"].(map[string]any)["b"].([]any)[0] = "changed"
	c.Metadata["x"] = 1
	c.Tags[0] = "changed"
	require.Equal(t, &User{UID: "u1", Name: "N", Metadata: map[string]any{"a": map[string]any{"b": []any{"c"}}}, Tags: []string{"t"}}, u,
		"the original changed")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = (&User{UID: "u1"}).cloneValue() }),
		"cloneValue of a user without metadata or tags allocates")
}
