package cometchatcalls

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNewStoreError_CodeMessageAndCause(t *testing.T) {
	err := NewStoreError("redis: loading the session", context.Canceled)
	assert.Equal(t, CodeSessionStore, err.Code)
	assert.True(t, errors.Is(err, ErrSessionStore))
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Equal(t, "cometchatcalls: ERROR_SESSION_STORE: redis: loading the session", err.Error())

	assert.Nil(t, NewStoreError("no cause", nil).Unwrap())
}

func TestNewStoreError_EscapesControlCharacters(t *testing.T) {
	err := NewStoreError("line\nforged\x1b[31m\u0085end", nil)
	assert.Equal(t, `cometchatcalls: ERROR_SESSION_STORE: line\nforged\x1b[31m\x85end`, err.Error())
}
