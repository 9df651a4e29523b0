package cometchatcalls

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"unicode"
)

// maxBodySize caps every answer the SDK reads, success or error.
const maxBodySize = 1 << 20

// envelope is CometChat's answer: {"data":…} or {"error":…}.
type envelope[T any] struct {
	Data  *T           `json:"data"`
	Error *serverError `json:"error"`
}

type serverError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details"`
}

// envelopeView is what decode needs of an envelope whatever its data type:
// an envelope[T], or a list envelope that embeds one.
type envelopeView interface {
	serverError() *serverError
	hasData() bool
}

func (e *envelope[T]) serverError() *serverError { return e.Error }
func (e *envelope[T]) hasData() bool             { return e.Data != nil && e.Error == nil }

// readBody reads at most maxBodySize+1 bytes, so an oversize answer is
// detected without being held in memory, and closes the body. A declared
// size (Content-Length, -1 if unknown) within the limit sizes the buffer at
// once. The body is always read to EOF, so its connection goes back to the
// pool.
func readBody(rc io.ReadCloser, size int64) ([]byte, error) {
	defer rc.Close()
	if size < 0 || size > maxBodySize {
		return io.ReadAll(io.LimitReader(rc, maxBodySize+1))
	}
	buf := make([]byte, 0, size+1) // +1: room to see EOF, or a longer body
	for {
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) { // longer than declared
			rest, err := io.ReadAll(io.LimitReader(rc, maxBodySize+1-int64(len(buf))))
			return append(buf, rest...), err
		}
	}
}

// decode turns an HTTP answer into nil (data decoded into env) or an *Error.
// Per protocol.md §6 the body decides: an error object is an error at any
// status, data is success only on 2xx, anything else is an invalid response
// that keeps the status (see withoutEnvelope for 429 and 5xx). keyName is
// how the user knows the key the request sent ("auth key", "REST API
// key"), or "" when it sent none.
func decode(resp *http.Response, body []byte, readErr error, req *request, keyName string, env envelopeView) *Error {
	status := resp.StatusCode
	var what string
	var cause error
	switch {
	case readErr != nil:
		what, cause = "reading the body failed", req.scrub.error(readErr)
	case len(body) > maxBodySize:
		what = "the body is larger than 1 MiB"
	case json.Unmarshal(body, env) != nil:
		what = describeBody(resp, body, req.scrub)
	case env.serverError() != nil:
		return fromServer(env.serverError(), resp, req.scrub, keyName)
	case status < 200 || status > 299 || !env.hasData():
		what = describeBody(resp, body, req.scrub)
	default:
		return nil
	}
	return withoutEnvelope(resp, what, cause)
}

// describeBody says what came back instead of an envelope, without quoting
// it (a proxy page could echo request headers).
func describeBody(resp *http.Response, body []byte, sc scrubber) string {
	ct := resp.Header.Get("Content-Type")
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return "empty body"
	case ct != "" && !strings.Contains(ct, "json"):
		return fmt.Sprintf("unexpected %s body of %d bytes", mediaTypeForMessage(ct, sc), len(body))
	default:
		return fmt.Sprintf("no CometChat envelope in %d bytes of JSON", len(body))
	}
}

// mediaTypeForMessage makes a Content-Type fit for an error message: a
// hostile server can echo a credential into it, or make it huge. It drops
// unprintable characters, then scrubs credentials (in that order, so that
// dropping cannot join the pieces of one), then cuts it to 64 bytes.
func mediaTypeForMessage(ct string, sc scrubber) string {
	ct = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, ct)
	ct = sc.string(ct)
	if len(ct) > 64 {
		ct = strings.ToValidUTF8(ct[:64], "") + "…"
	}
	return ct
}

// withoutEnvelope is the error for an answer without a CometChat error
// object, what describing the body. A 5xx one is the server, or a proxy in
// front of it, being unavailable; a 429 one is a rate limit. Both wrap the
// ERROR_INVALID_RESPONSE error, so errors.Is(err, ErrInvalidResponse)
// holds for every answer without an envelope, and all keep the status.
func withoutEnvelope(resp *http.Response, what string, cause error) *Error {
	status := resp.StatusCode
	invalid := invalidResponse(status, what, cause)
	var e *Error
	switch {
	case status >= 500:
		e = wrapError(CodeServerUnavailable, "the server is unavailable ("+what+"); try again later", invalid)
	case status == http.StatusTooManyRequests:
		e = wrapError(CodeTooManyRequests, "too many requests ("+what+")", invalid)
	default:
		return invalid
	}
	e.HTTPStatus = status
	e.RetryAfter = retryAfterOf(resp)
	return e
}

// invalidResponse is the error for an answer the SDK can't use, what
// saying why (also a 2xx whose data is no token, or a user without uid).
func invalidResponse(status int, what string, cause error) *Error {
	e := wrapError(CodeInvalidResponse, "invalid response: "+what, cause)
	e.HTTPStatus = status
	return e
}

// fromServer keeps the server's code, message and details, minus every
// credential the call knows. CometChat calls any key "apiKey"; in a key
// error the message names the key the user gave instead (keyName).
func fromServer(se *serverError, resp *http.Response, sc scrubber, keyName string) *Error {
	code := sc.string(se.Code) // the code is logged and printed too
	if code == "" {
		code = CodeInvalidResponse
	}
	msg := sc.string(se.Message)
	if keyName != "" && (se.Code == CodeAPIKeyInvalid || se.Code == CodeNoAccess) {
		msg = strings.ReplaceAll(msg, "apiKey", keyName)
	}
	return &Error{
		Code:       code,
		Message:    msg,
		Details:    sc.value(se.Details),
		HTTPStatus: resp.StatusCode,
		RetryAfter: retryAfterOf(resp),
	}
}

// networkError is the *Error for a request that got no answer. When the
// caller's context ended, its error is the cause, so errors.Is(err,
// context.DeadlineExceeded) holds, and the error is not retryable;
// otherwise the transport's error is, with every credential scrubbed.
func networkError(ctx context.Context, err error, req *request) *Error {
	if cerr := ctx.Err(); cerr != nil {
		e := wrapError(CodeNetwork, "request not completed: "+cerr.Error(), cerr)
		e.callerDone = true
		return e
	}
	cause := req.scrub.error(err)
	e := wrapError(CodeNetwork, cause.Error(), cause)
	e.neverSent = neverConnected(err)
	return e
}

// neverConnected reports whether err happened while dialling, before any
// connection existed.
func neverConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
