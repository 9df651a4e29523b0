package cometchatcalls

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestDoc_FacadeIsListedUnderThePackage: go doc and pkg.go.dev list the
// package-level facade as functions of the package, not as constructors of
// User or CallToken.
func TestDoc_FacadeIsListedUnderThePackage(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	// go doc reads the package in AllDecls mode (it filters unexported
	// names itself).
	p, err := doc.NewFromFiles(fset, files, "github.com/cometchat-go/cometchatcalls", doc.AllDecls)
	if err != nil {
		t.Fatal(err)
	}
	atTop := map[string]bool{}
	for _, f := range p.Funcs {
		atTop[f.Name] = true
	}
	for _, name := range []string{
		"Login", "LoginWithAuthToken", "GetLoggedInUser", "GenerateCallToken",
		"Logout", "Init", "LoginAsync", "GenerateCallTokenAsync",
	} {
		if !atTop[name] {
			t.Errorf("go doc lists %s under a type, not under the package", name)
		}
	}
}
