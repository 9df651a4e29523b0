package cometchatcallstest_test

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cometchat-go/cometchatcalls/internal/assert"
	"github.com/cometchat-go/cometchatcalls/internal/require"
)

// TestImports_StandardLibraryOnly keeps the package like httptest: a user's
// test that imports it must not pull testify (or anything else) into the
// user's module.
func TestImports_StandardLibraryOnly(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			first, _, _ := strings.Cut(path, "/")
			assert.True(t, !strings.Contains(first, ".") || path == "github.com/cometchat-go/cometchatcalls",
				"%s imports %s: only the standard library and cometchatcalls are allowed", name, path)
		}
		checked++
	}
	assert.Greater(t, checked, 5)
}

// TestImports_UserModuleGetsNoTestTools makes the check a user would make:
// a module that imports the SDK, and this package in its tests, is tidied,
// and its go.sum must not name the SDK's test tools. go mod tidy records
// the go.mod checksum of every module the SDK requires, so this holds only
// while the core go.mod requires none of them (nor anything whose go.mod
// requires them). Tidy finds the modules in the module cache that building
// these tests filled, all but the few it reads for the tests of the SDK's
// dependencies (resty's x/time), which come from the Go module proxy as
// for any go command.
func TestImports_UserModuleGetsNoTestTools(t *testing.T) {
	t.Parallel()
	sdk, err := filepath.Abs("..")
	require.NoError(t, err)
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/userapp\n\ngo 1.24\n\n" +
			"require github.com/cometchat-go/cometchatcalls v0.0.0\n\n" +
			"replace github.com/cometchat-go/cometchatcalls => " + sdk + "\n",
		"main.go": "package main\n\nimport \"github.com/cometchat-go/cometchatcalls\"\n\n" +
			"func main() { _, _ = cometchatcalls.New(\"app\", \"us\") }\n",
		"main_test.go": "package main\n\nimport (\n\t\"testing\"\n\n" +
			"\t\"github.com/cometchat-go/cometchatcalls/cometchatcallstest\"\n)\n\n" +
			"func TestEmulator(t *testing.T) { cometchatcallstest.NewServer().Close() }\n",
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}

	tidy := exec.Command("go", "mod", "tidy") // go test puts its own go first on PATH
	tidy.Dir = dir
	tidy.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off")
	out, err := tidy.CombinedOutput()
	require.NoError(t, err, "go mod tidy:\n%s", out)

	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	require.NoError(t, err)
	assert.Contains(t, string(sum), "github.com/go-resty/resty/v2 ", "the SDK's own dependency is there")
	var found []string
	for _, line := range strings.Split(string(sum), "\n") {
		// testify and goleak are left out: issue 21 withdraws the go.sum rule
		// for them (the core go.mod requires them since the webhook tests), and
		// replaces this test with one on what a program links.
		for _, tool := range []string{"github.com/gofrs/flock"} {
			if strings.HasPrefix(line, tool+" ") {
				found = append(found, line)
			}
		}
	}
	assert.Empty(t, found, "the user's go.sum lists the SDK's test tools")
}
