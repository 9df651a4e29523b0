package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDedupe(t *testing.T) {
	d := newDedupe()
	assert.Equal(t, fresh, d.begin("k"))
	assert.Equal(t, busy, d.begin("k"), "a concurrent repeat waits for a retry")
	d.finish("k", false)
	assert.Equal(t, fresh, d.begin("k"), "a failed event is handled again")
	d.finish("k", true)
	assert.Equal(t, done, d.begin("k"))
	assert.Equal(t, done, d.begin("k"))
	assert.Equal(t, 2, d.repeats())
	assert.Equal(t, fresh, d.begin("other"))
}
