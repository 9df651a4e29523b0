package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cometchat-go/cometchatcalls"
)

func TestExitCode(t *testing.T) {
	for err, want := range map[error]int{
		usagef("x", "bad"):                                    exitUsage,
		cometchatcalls.ErrNoUserLoggedIn:                      exitAuth,
		cometchatcalls.ErrAuthTokenMissing:                    exitAuth,
		cometchatcalls.ErrAPIKeyNotFound:                      exitAuth,
		cometchatcalls.ErrAPIKeyInvalid:                       exitAuth,
		cometchatcalls.ErrAuthTokenNotFound:                   exitAuth,
		cometchatcalls.ErrNoAccess:                            exitAuth,
		fmt.Errorf("wrapped: %w", cometchatcalls.ErrNoAccess): exitAuth,
		cometchatcalls.ErrNetwork:                             exitFailure,
		cometchatcalls.ErrUIDNotFound:                         exitFailure,
		errors.New("other"):                                   exitFailure,
	} {
		assert.Equal(t, want, exitCode(err), "%v", err)
	}
}

func TestAdvice_EveryCodeOfTheErrorGuide(t *testing.T) {
	// The codes of README's "Errors: what happened and what to do".
	for _, code := range []string{
		cometchatcalls.CodeAPIKeyNotFound, cometchatcalls.CodeAPIKeyInvalid, cometchatcalls.CodeInvalidUID,
		cometchatcalls.CodeUIDWithSpace, cometchatcalls.CodeUIDNotFound, cometchatcalls.CodeInvalidAppID,
		cometchatcalls.CodeAuthTokenNotFound, cometchatcalls.CodeTooManyRequests, cometchatcalls.CodeNetwork,
		cometchatcalls.CodeServerUnavailable, cometchatcalls.CodeInvalidResponse, cometchatcalls.CodeSessionStore,
		cometchatcalls.CodeNoUserLoggedIn, cometchatcalls.CodeAuthTokenMissing, cometchatcalls.CodeNoAccess,
	} {
		assert.NotEmpty(t, advice(code), code)
	}
	assert.Empty(t, advice("SOMETHING_ELSE"))
}

func TestClean_EscapesWhatCouldDriveATerminal(t *testing.T) {
	assert.Equal(t, "Andrew Joseph", clean("Andrew Joseph"))
	assert.Equal(t, `a\u001b[31mb\u000ac\u202ed\u2028`, clean("a\x1b[31mb\nc\u202ed\u2028"))
	assert.Equal(t, `x\ufffd`, clean("x\xff"))
	assert.Equal(t, "Zoë 😀", clean("Zoë 😀"))
}

func TestToErrorJSON(t *testing.T) {
	assert.Equal(t, &errorJSON{Code: codeUsage, Message: "bad"}, toErrorJSON(usagef("x", "bad")))
	e := toErrorJSON(cometchatcalls.ErrNetwork)
	assert.Equal(t, cometchatcalls.CodeNetwork, e.Code)
	assert.True(t, e.Retryable)
	assert.Equal(t, "ERROR_CLI", toErrorJSON(errors.New("x")).Code)
}

// TestToErrorJSON_EscapesWhatCouldDriveATerminal: a server's code or
// message that would reorder or hide text reaches -json output escaped.
func TestToErrorJSON_EscapesWhatCouldDriveATerminal(t *testing.T) {
	got := toErrorJSON(&cometchatcalls.Error{Code: "ERR_\u202eX", Message: "token \u202egnp.exe\x1b[2J"})
	assert.Equal(t, `ERR_\u202eX`, got.Code)
	assert.Equal(t, `token \u202egnp.exe\u001b[2J`, got.Message)
	assert.Equal(t, `bad \u2066flag`, toErrorJSON(usagef("", "bad \u2066flag")).Message)
	assert.Equal(t, `x\u202e`, toErrorJSON(errors.New("x\u202e")).Message)
}
