package cometchatcallstest_test

import (
	"go/parser"
	"go/token"
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
