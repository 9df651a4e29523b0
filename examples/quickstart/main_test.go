package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun_PrintsTheWholeFlow(t *testing.T) {
	target := exampleenv.Emulated()
	defer target.Close()
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out, target))
	assert.Equal(t, `1. GetLoggedInUser: nobody is logged in
2. Login: logged in as Andrew Joseph (cometchat-uid-1)
3. GetLoggedInUser: Andrew Joseph, status online
4. Logout: done
5. LoginWithAuthToken: logged in as George Alan (cometchat-uid-2)
6. LoginAsync: onSuccess: cometchat-uid-1
6. GetLoggedInUserAsync: onSuccess: Andrew Joseph
6. LogoutAsync: onSuccess: Logout successful
7. Login("user with spaces"): error ERROR_UID_WITH_SPACE: UID cannot contain spaces
8. GenerateCallToken: CallToken{SessionID:"quickstart-call" Token:[REDACTED]}
`, out.String())
	reqs := target.Server().Requests()
	last := reqs[len(reqs)-2] // the call token, then the logout
	assert.Equal(t, "/call/v3.0/call_tokens", last.Path)
	assert.Equal(t, `{"sessionId":"quickstart-call"}`, string(last.Body))
}

func TestRun_ReportsServerErrors(t *testing.T) {
	target := exampleenv.Emulated()
	defer target.Close()
	target.AuthKey = "wrong-key"
	var out bytes.Buffer
	err := run(context.Background(), &out, target)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AUTH_ERR_APIKEY_NOT_FOUND")
	assert.NotContains(t, err.Error(), "wrong-key")
}
