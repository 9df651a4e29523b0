package cometchatcallstest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/cometchat-go/cometchatcalls"
)

// apiError is a failure the emulator answers with an error envelope.
type apiError struct {
	status  int
	code    string
	message string
	details any
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// sdkError turns e into the *cometchatcalls.Error the test helpers return,
// so that errors.Is(err, cometchatcalls.ErrUIDNotFound) holds. HTTPStatus
// stays 0: no HTTP answer was involved.
func (e *apiError) sdkError() error {
	return &cometchatcalls.Error{Code: e.code, Message: e.message, Details: e.details}
}

// newAPIError formats an apiError's message.
func newAPIError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// Error codes the emulator answers that the SDK has no constant for.
const (
	codeRouteNotFound    = "ERR_ROUTE_NOT_FOUND"
	codeMethodNotAllowed = "ERR_METHOD_NOT_ALLOWED"
)

func errEmptyAppID() *apiError {
	return newAPIError(http.StatusUnauthorized, cometchatcalls.CodeEmptyAppIDHeader,
		"The appId header is missing or empty. Please provide the appId of your app.")
}

func errInvalidAppID(appID string) *apiError {
	return newAPIError(http.StatusNotFound, cometchatcalls.CodeInvalidAppID,
		"The appId %s does not exist. Please make sure you are using the correct appId and region.", appID)
}

func errEmptyAPIKey() *apiError {
	return newAPIError(http.StatusUnauthorized, cometchatcalls.CodeEmptyAPIKeyHeader,
		"The apiKey header is missing or empty. Please provide a valid apiKey.")
}

// errAPIKeyNotFound quotes the key on purpose, as CometChat does: the SDK
// must redact it.
func errAPIKeyNotFound(key, appID string) *apiError {
	return newAPIError(http.StatusNotFound, cometchatcalls.CodeAPIKeyInvalid,
		"The apiKey %s does not exist for the app %s. Please make sure you are using a valid apiKey.", key, appID)
}

// errNoAccess quotes the key on purpose, as errAPIKeyNotFound does.
func errNoAccess(key string) *apiError {
	return newAPIError(http.StatusForbidden, cometchatcalls.CodeNoAccess,
		"The apiKey %s does not have access to this resource. Use the REST API key.", key)
}

func errEmptyAuthToken() *apiError {
	return newAPIError(http.StatusUnauthorized, cometchatcalls.CodeEmptyAuthTokenHeader,
		"The authToken header is missing or empty. Please provide a valid authToken.")
}

// errAuthTokenNotFound quotes the token on purpose, as CometChat does: the
// SDK must redact it.
func errAuthTokenNotFound(token string) *apiError {
	return newAPIError(http.StatusUnauthorized, cometchatcalls.CodeAuthTokenNotFound,
		"The auth token %s does not exist. Please make sure you are logged in and have a valid auth token or try login again.", token)
}

func errUIDNotFound(uid string) *apiError {
	return newAPIError(http.StatusNotFound, cometchatcalls.CodeUIDNotFound,
		"The user with uid %s does not exist. Please use correct uid and try again.", uid)
}

func errUIDAlreadyExists(uid string) *apiError {
	return newAPIError(http.StatusConflict, cometchatcalls.CodeUIDAlreadyExists,
		"The user with uid %s already exists. Please use a different uid.", uid)
}

// errRESTTokenNotFound quotes the token, like errAuthTokenNotFound.
func errRESTTokenNotFound(uid, token string) *apiError {
	return newAPIError(http.StatusNotFound, cometchatcalls.CodeRESTTokenNotFound,
		"The auth token %s does not exist for the user with uid %s.", token, uid)
}

// errBadRequest reports a validation failure; details, when not nil, maps
// each offending field to what is wrong with it.
func errBadRequest(details map[string]string, format string, args ...any) *apiError {
	e := newAPIError(http.StatusBadRequest, cometchatcalls.CodeBadRequest, format, args...)
	if details != nil {
		e.details = details
	}
	return e
}

func errRouteNotFound(path string) *apiError {
	return newAPIError(http.StatusNotFound, codeRouteNotFound,
		"The route %s does not exist. Admin endpoints live under /admin/v3.0, /me under /client/v3.0.", path)
}

func errMethodNotAllowed(method, path string) *apiError {
	return newAPIError(http.StatusMethodNotAllowed, codeMethodNotAllowed,
		"The method %s is not allowed for the route %s.", method, path)
}

// errorBody is the error envelope.
type errorBody struct {
	Error errorObject `json:"error"`
}

type errorObject struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	DevMessage string `json:"devMessage"`
	Source     string `json:"source"`
	Details    any    `json:"details,omitempty"`
}

// pagination is the "meta.pagination" object of list answers.
type pagination struct {
	Total       int `json:"total"`
	Count       int `json:"count"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	TotalPages  int `json:"total_pages"`
}

type listMeta struct {
	Pagination pagination `json:"pagination"`
}

// deleted is the data of every deletion answer.
type deleted struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only emulator bugs get here
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"ERR_INTERNAL","message":"emulator failed to encode its answer","devMessage":"","source":"chat-api"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers e in the error envelope.
func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, errorBody{Error: errorObject{
		Code:       e.code,
		Message:    e.message,
		DevMessage: e.message,
		Source:     "chat-api",
		Details:    e.details,
	}})
}

// writeData answers 200 {"data": data}.
func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, struct {
		Data any `json:"data"`
	}{data})
}

// writeList answers 200 {"data": data, "meta": {"pagination": p}}.
func writeList(w http.ResponseWriter, data any, p pagination) {
	writeJSON(w, http.StatusOK, struct {
		Data any      `json:"data"`
		Meta listMeta `json:"meta"`
	}{data, listMeta{p}})
}

// writeDeleted answers 200 {"data": {"success": true, "message": msg}}.
func writeDeleted(w http.ResponseWriter, msg string) {
	writeData(w, deleted{Success: true, Message: msg})
}
