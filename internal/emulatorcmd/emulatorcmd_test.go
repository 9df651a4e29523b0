package emulatorcmd

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPrintFlags_ListsEveryFlagWithoutTheFlagPackagesHeading(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	PrintFlags(&b)
	out := b.String()
	assert.NotContains(t, out, "Usage of")
	for _, name := range []string{"-addr", "-allow-remote", "-app-id", "-region", "-auth-key", "-api-key", "-rate-limit", "-tls", "-cert-out"} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^  `+name+`\b`), out, "PrintFlags lists %s", name)
	}
	assert.Contains(t, out, "127.0.0.1:8787", "defaults are shown")
}
