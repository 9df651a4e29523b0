package cometchatcalls

// EncodeSession encodes s in the versioned JSON format that FileStore
// writes, as a document holding this one session. Stores of your own (and
// redisstore) use it so that every store of this SDK reads and writes the
// same format. The output holds the auth token: keep it as private as the
// session itself.
//
// A nil session, or one without an app ID, a user UID or an auth token, is
// ERROR_SESSION_STORE.
func EncodeSession(s *Session) ([]byte, error) {
	if s == nil {
		return nil, errNilSession
	}
	if err := validateStoredSession(s); err != nil {
		return nil, err
	}
	return encodeFileStore(&fileDoc{Version: fileStoreVersion, Sessions: map[string]*fileRecord{s.AppID: recordOf(s)}})
}

// DecodeSession parses a document written by EncodeSession (or a FileStore
// file) and returns the session stored for appID, or (nil, nil) when it
// holds none. The caller owns the result. A corrupt or foreign document is
// ERROR_SESSION_STORE with a message that names the problem and never
// quotes a token.
func DecodeSession(data []byte, appID string) (*Session, error) {
	doc, err := decodeFileStore(data)
	if err != nil {
		return nil, err
	}
	r, ok := doc.Sessions[appID]
	if !ok {
		return nil, nil
	}
	return r.session(), nil
}
