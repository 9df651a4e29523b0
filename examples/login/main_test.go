package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func noEnv(string) string { return "" }

func TestRun_OnTheEmulator(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-uid", "cometchat-uid-3"}, &out, &errOut, noEnv)
	assert.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "using the embedded CometChat emulator")
	assert.Contains(t, out.String(), "Logged in as Nancy Grace (uid cometchat-uid-3, status online)\nLogged out\n")
	assert.NotContains(t, out.String(), "emulator-auth-key")
}

func TestRun_UnknownUser(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-uid", "nobody-here"}, &out, &errOut, noEnv)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), "ERR_UID_NOT_FOUND")
}

func TestRun_PartialEnvironmentExits2(t *testing.T) {
	env := map[string]string{"COMETCHAT_APP_ID": "abc"}
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, &out, &errOut, func(k string) string { return env[k] })
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "COMETCHAT_REGION")
	assert.Contains(t, errOut.String(), "COMETCHAT_AUTH_KEY")
	assert.False(t, strings.Contains(out.String(), "Logged in"))
}

func TestRun_BadFlagExits2(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"-nope"}, &out, &errOut, noEnv))
}

// COMETCHAT_EMULATOR_URL points the example at a running emulator (here
// started in-process, as go run ./cmd/cometchat-emulator would be).
func TestRun_AgainstARunningEmulator(t *testing.T) {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	env := map[string]string{"COMETCHAT_EMULATOR_URL": srv.URL()}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-uid", "cometchat-uid-4"}, &out, &errOut, func(k string) string { return env[k] })
	assert.Equal(t, 0, code, errOut.String())
	assert.Equal(t, "COMETCHAT_EMULATOR_URL is set: using the CometChat emulator at "+srv.URL()+" (app emulatorapp)\n"+
		"Logged in as Susan Marie (uid cometchat-uid-4, status online)\nLogged out\n", out.String())
	assert.Len(t, srv.Requests(), 3, "token, PUT /me, DELETE /me: all on the running emulator")
}
