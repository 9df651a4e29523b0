package cometchatcalls

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogValue_ClientsShowWhereTheyTalkNeverAKey: a Client or AdminClient
// logged with slog shows its app ID, region and hosts, and no credential.
func TestLogValue_ClientsShowWhereTheyTalkNeverAKey(t *testing.T) {
	t.Parallel()
	c, _ := loggedIn(t)
	a, err := NewAdminClient(testAppID, "us", testAPIKey, WithHTTPClient(&http.Client{}), WithAdminHost(adminBase))
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })

	var out bytes.Buffer
	slog.New(slog.NewJSONHandler(&out, nil)).Info("m", "client", c, "admin", a)
	assertNoSecret(t, "log", out.String(), testAuthKey, testToken, testAPIKey)
	var line struct {
		Client, Admin map[string]string
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &line))
	assert.Equal(t, map[string]string{
		"appId": testAppID, "region": "us", "adminHost": adminBase, "clientHost": clientBase,
		"callHost": "https://" + testAppID + ".call-us.cometchat.io/v3.0",
	}, line.Client)
	assert.Equal(t, testAppID, line.Admin["appId"])
	assert.Equal(t, adminBase, line.Admin["adminHost"])
}
