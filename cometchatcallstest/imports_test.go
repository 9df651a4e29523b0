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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestImports_ProgramsLinkNoTestLibrary makes the check that matters to a
// user: the packages a program links when it imports the SDK, or this
// package, hold no test library. (A go.sum line costs nothing; a linked
// package costs binary size and init time.)
func TestImports_ProgramsLinkNoTestLibrary(t *testing.T) {
	t.Parallel()
	testLibraries := []string{
		"github.com/stretchr/testify",
		"github.com/jarcoal/httpmock",
		"go.uber.org/goleak",
		"github.com/davecgh/go-spew",
		"github.com/pmezard/go-difflib",
	}
	for _, pkg := range []string{
		"github.com/cometchat-go/cometchatcalls",
		"github.com/cometchat-go/cometchatcalls/cometchatcallstest",
		"github.com/cometchat-go/cometchatcalls/cmd/cometchatcalls",
	} {
		list := exec.Command("go", "list", "-deps", pkg) // go test puts its own go first on PATH
		list.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := list.CombinedOutput()
		require.NoError(t, err, "go list -deps %s:\n%s", pkg, out)
		deps := strings.Fields(string(out))
		assert.Contains(t, deps, "github.com/go-resty/resty/v2", "%s: the SDK's own dependency is listed", pkg)
		for _, dep := range deps {
			for _, lib := range testLibraries {
				assert.False(t, dep == lib || strings.HasPrefix(dep, lib+"/"),
					"a program importing %s links the test library %s", pkg, dep)
			}
		}
	}
}

// TestImports_WebhookIsStandardLibraryOnly: package webhook, which a backend
// imports on its own, links nothing outside the standard library.
func TestImports_WebhookIsStandardLibraryOnly(t *testing.T) {
	t.Parallel()
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}",
		"github.com/cometchat-go/cometchatcalls/webhook")
	list.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := list.CombinedOutput()
	require.NoError(t, err, "go list -deps:\n%s", out)
	assert.Equal(t, []string{"github.com/cometchat-go/cometchatcalls/webhook"}, strings.Fields(string(out)))
}
