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

func TestRun(t *testing.T) {
	target := exampleenv.Emulated()
	defer target.Close()
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out, target))
	assert.Equal(t, `LoginAsync(cometchat-uid-1):
  listener: OnLoginSuccess cometchat-uid-1
  onSuccess: Andrew Joseph
LoginAsync(cometchat-uid-2), switching users:
  listener: OnLogoutSuccess
  listener: OnLoginSuccess cometchat-uid-2
  onSuccess: George Alan
LoginWithAuthTokenAsync(""):
  listener: OnLoginFailure ERROR_BLANK_AUTHTOKEN
  onError: ERROR_BLANK_AUTHTOKEN - Auth token cannot be empty
GetLoggedInUserAsync:
  onSuccess: cometchat-uid-2
LogoutAsync:
  listener: OnLogoutSuccess
  onSuccess: Logout successful
LogoutAsync again:
  onError: ERROR_NO_USER_LOGGED_IN
`, out.String())
}
