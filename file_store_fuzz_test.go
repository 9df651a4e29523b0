package cometchatcalls

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzFileStoreDecode checks the session file decoder on arbitrary bytes:
// it never panics, it returns either an ERROR_SESSION_STORE and no document
// or a document and no error (never a partial one), and a document it
// accepts survives encoding and decoding unchanged, so a Save after a Load
// cannot turn a readable file into an unreadable or different one.
//
// The seed corpus in testdata/fuzz/FuzzFileStoreDecode holds valid,
// corrupt, foreign, newer-version and trailing-bytes files.
func FuzzFileStoreDecode(f *testing.F) {
	f.Add([]byte(`{"version":1,"sessions":{}}`))
	f.Add([]byte(`{"version":1,"sessions":{"a":{"appId":"a","user":{"uid":"u"},"authToken":"t","createdAt":"2024-01-02T03:04:05.5+01:00"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := decodeFileStore(data)
		if err != nil {
			if doc != nil {
				t.Fatalf("decodeFileStore returned a document with the error %v", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeSessionStore {
				t.Fatalf("error is not an ERROR_SESSION_STORE *Error: %v", err)
			}
			return
		}
		if doc == nil {
			t.Fatal("decodeFileStore returned neither a document nor an error")
		}
		if doc.Version != fileStoreVersion || doc.Sessions == nil {
			t.Fatalf("accepted document has version %d, sessions nil: %v", doc.Version, doc.Sessions == nil)
		}
		enc, err := encodeFileStore(doc)
		if err != nil {
			t.Fatalf("an accepted document does not encode: %v", err)
		}
		again, err := decodeFileStore(enc)
		if err != nil {
			t.Fatalf("the re-encoded document does not decode: %v", err)
		}
		if !reflect.DeepEqual(doc, again) {
			t.Fatal("the re-encoded document decodes to a different value")
		}
		enc2, err := encodeFileStore(again)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatal("encoding is not stable")
		}
	})
}
