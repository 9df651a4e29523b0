package emulatorcmd

import "github.com/cometchat-go/cometchatcalls/cometchatcallstest"

// The environment variables holding the webhook's Basic auth credentials.
// They are not flags because a command line is visible to every user of
// the machine (ps, /proc).
const (
	envWebhookUsername = "COMETCHAT_WEBHOOK_USERNAME"
	envWebhookPassword = "COMETCHAT_WEBHOOK_PASSWORD"
)

const webhookURLUsage = "POST call-session webhooks to `URL` (Basic auth from $" + envWebhookUsername +
	" and $" + envWebhookPassword + "); send a session with POST /emulator/simulate-call-session"

// webhookOptions registers the -webhook-url webhook, if any, retrying
// failed deliveries as CometChat does (after 10 s, then 30 s). Start
// checks the URL and that both credentials or neither are set.
func webhookOptions(url string, getenv func(string) string) []cometchatcallstest.ServerOption {
	if url == "" {
		return nil
	}
	return []cometchatcallstest.ServerOption{cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{
		URL:            url,
		Username:       getenv(envWebhookUsername),
		Password:       getenv(envWebhookPassword),
		RetryOnFailure: true,
	})}
}
