package cometchatcalls

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestCodes_OneSentinelPerCode reads codes.go: every Code constant has
// exactly one sentinel, declared right after it with newError(Code…), and
// every sentinel's doc comment says when it happens. So the two can't
// drift apart, and a new code can't come without its sentinel.
func TestCodes_OneSentinelPerCode(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "codes.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var pendingCode string // a Code constant still waiting for its sentinel
	codes, sentinels := 0, 0
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || len(gd.Specs) != 1 {
			t.Errorf("%s: declare one code or one sentinel at a time", fset.Position(decl.Pos()))
			continue
		}
		vs := gd.Specs[0].(*ast.ValueSpec)
		name := vs.Names[0].Name
		switch gd.Tok {
		case token.CONST:
			if pendingCode != "" {
				t.Errorf("%s has no sentinel", pendingCode)
			}
			if !strings.HasPrefix(name, "Code") {
				t.Errorf("constant %s: not a code", name)
			}
			pendingCode = name
			codes++
		case token.VAR:
			sentinels++
			call, ok := vs.Values[0].(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				t.Errorf("%s is not newError(code, message)", name)
				continue
			}
			arg, _ := call.Args[0].(*ast.Ident)
			if arg == nil || arg.Name != pendingCode {
				t.Errorf("%s does not carry the code declared just before it (%s)", name, pendingCode)
			}
			pendingCode = ""
			if doc := gd.Doc.Text(); !strings.HasPrefix(doc, name+" ") || len(doc) < len(name)+40 {
				t.Errorf("%s: the doc comment must start with its name and say when it happens: %q", name, doc)
			}
		}
	}
	if pendingCode != "" {
		t.Errorf("%s has no sentinel", pendingCode)
	}
	if codes != sentinels || codes < 30 {
		t.Errorf("%d codes, %d sentinels", codes, sentinels)
	}
}

// TestCodes_SentinelsMatchTheirCode: errors.Is works for each sentinel,
// and the exported names of the API stay.
func TestCodes_SentinelsMatchTheirCode(t *testing.T) {
	for code, sentinel := range map[string]*Error{
		"ERROR_INVALID_UID": ErrInvalidUID, "ERROR_UID_WITH_SPACE": ErrUIDWithSpace,
		"ERROR_API_KEY_NOT_FOUND": ErrAPIKeyNotFound, "ERROR_BLANK_AUTHTOKEN": ErrBlankAuthToken,
		"ERROR_AUTHTOKEN_WITH_SPACE": ErrAuthTokenWithSpace, "ERROR_LOGIN_IN_PROGRESS": ErrLoginInProgress,
		"ERROR_SDK_NOT_INITIALIZED": ErrSDKNotInitialized, "ERROR_NO_USER_LOGGED_IN": ErrNoUserLoggedIn,
		"ERROR_LOGOUT_FAIL": ErrLogoutFail, "ERROR_CLIENT_CLOSED": ErrClientClosed, "ERROR_NETWORK": ErrNetwork,
		"ERROR_INVALID_RESPONSE": ErrInvalidResponse, "ERROR_SESSION_STORE": ErrSessionStore,
		"ERROR_INVALID_OPTION": ErrInvalidOption, "ERROR_INVALID_ARGUMENT": ErrInvalidArgument,
		"ERROR_EMPTY_APPID": ErrEmptyAppID, "ERROR_INVALID_REGION": ErrInvalidRegion,
		"ERROR_SESSION_ID_MISSING": ErrSessionIDMissing, "ERROR_AUTH_TOKEN_MISSING": ErrAuthTokenMissing,
		"ERROR_SERVER_UNAVAILABLE": ErrServerUnavailable, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND": ErrAuthTokenNotFound,
		"AUTH_ERR_APIKEY_NOT_FOUND": ErrAPIKeyInvalid, "ERR_UID_NOT_FOUND": ErrUIDNotFound,
		"ERR_TOO_MANY_REQUESTS": ErrTooManyRequests, "AUTH_ERR_NO_ACCESS": ErrNoAccess,
		"ERR_UID_ALREADY_EXISTS": ErrUIDAlreadyExists, "ERR_AUTH_TOKEN_NOT_FOUND": ErrRESTTokenNotFound,
		"ERR_BAD_REQUEST": ErrBadRequest, "AUTH_ERR_EMPTY_APIKEY": ErrEmptyAPIKeyHeader,
		"AUTH_ERR_EMPTY_AUTH_TOKEN": ErrEmptyAuthTokenHeader, "AUTH_ERR_EMPTY_APPID": ErrEmptyAppIDHeader,
		"AUTH_ERR_INVALID_APPID": ErrInvalidAppID,
	} {
		if sentinel.Code != code {
			t.Errorf("sentinel of %s has code %s", code, sentinel.Code)
		}
		if !(&Error{Code: code, Message: "any"}).Is(sentinel) {
			t.Errorf("errors.Is does not match %s", code)
		}
	}
}
