package webhook

import (
	"context"
	"errors"
	"net/http"
)

// Handler returns an http.Handler for CometChat's webhook deliveries. For
// each request it answers, in this order:
//
//   - 405 (with Allow: POST) to any method but POST, before looking at the
//     credentials;
//   - 401 with WWW-Authenticate: Basic when the credentials are missing or
//     wrong (fn is not called);
//   - 413 when the body is over MaxBodyBytes (exactly MaxBodyBytes is read);
//   - 400 when the body is not an event (see ParseEvent);
//   - 500 when fn returns an error, so that CometChat retries;
//   - 200 otherwise.
//
// fn gets the request's context and may be called concurrently. It must be
// quick, since CometChat waits 2 s, and idempotent, since deliveries repeat
// (see the package documentation). The answers are fixed short texts: the
// handler never echoes the credentials or the body, and it logs nothing.
// Handler panics when v or fn is nil, as http.Handle does for a nil handler.
func Handler(v *Verifier, fn func(ctx context.Context, e *Event) error) http.Handler {
	if v == nil || fn == nil {
		panic("webhook: Handler needs a Verifier and a function")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			answer(w, http.StatusMethodNotAllowed)
			return
		}
		e, err := v.Parse(r)
		switch {
		case errors.Is(err, ErrUnauthorized):
			w.Header().Set("WWW-Authenticate", `Basic realm="webhook", charset="UTF-8"`)
			answer(w, http.StatusUnauthorized)
			return
		case errors.Is(err, ErrTooLarge):
			answer(w, http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			answer(w, http.StatusBadRequest)
			return
		}
		if err := fn(r.Context(), e); err != nil {
			answer(w, http.StatusInternalServerError)
			return
		}
		answer(w, http.StatusOK)
	})
}

// answer writes status with its standard text as the body.
func answer(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
}
