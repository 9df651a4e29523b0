package webhook_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cometchat-go/cometchatcalls/webhook"
)

// FuzzParseEvent feeds arbitrary bodies to ParseEvent and every accessor:
// none may panic, an error is always ErrInvalidPayload with a nil value, and
// IdempotencyKey is the same for an event parsed twice.
func FuzzParseEvent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "samples", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{}`, `null`, `{"trigger":""}`, `{"trigger":"x"} 1`,
		`{"trigger":"meeting_ended","data":{"sessionid":"s","all_occupants":[{"audio_call":"maybe"}]}}`,
		`{"trigger":"meeting_started","data":{"sessionId":"s","created_at":"1e308"}}`,
		`{"trigger":"recording_generated","data":{"sessionId":"s","duration":"-0","startTime":"0x10"}}`,
		`{"trigger":"call_busy","data":{"call":{"id":1,"sentAt":-62135596801}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := webhook.ParseEvent(body)
		if err != nil {
			if !errors.Is(err, webhook.ErrInvalidPayload) || e != nil {
				t.Fatalf("ParseEvent: %v, %v", e, err)
			}
			return
		}
		if e.Trigger == "" {
			t.Fatal("an event without a trigger parsed")
		}
		again, err := webhook.ParseEvent(body)
		if err != nil || again.IdempotencyKey() != e.IdempotencyKey() {
			t.Fatalf("the key changed between two parses: %v", err)
		}
		check := func(ok bool, err error) {
			if (err == nil) != ok || (err != nil && !errors.Is(err, webhook.ErrInvalidPayload)) {
				t.Fatalf("accessor: value %v, error %v", ok, err)
			}
		}
		s, err := e.CallSession()
		check(s != nil, err)
		c, err := e.Call()
		check(c != nil, err)
		r, err := e.Recording()
		check(r != nil, err)
	})
}
