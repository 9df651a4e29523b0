package cometchatcallstest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// meView is the answer to /me: the user plus the server-side extras the
// real API sends and the SDK ignores. The extras are derived from the token,
// so repeated calls answer the same values.
type meView struct {
	userView
	AuthToken string         `json:"authToken"`
	JWT       string         `json:"jwt"`
	WSChannel map[string]any `json:"wsChannel"`
	Settings  map[string]any `json:"settings"`
	FAT       string         `json:"fat"`
}

func (s *Server) meView(u userView, token string) meView {
	sum := sha256.Sum256([]byte(token))
	digest := hex.EncodeToString(sum[:])
	return meView{
		userView:  u,
		AuthToken: token,
		JWT:       "emulator." + digest[:32] + "." + digest[32:],
		WSChannel: map[string]any{
			"identity": s.cfg.appID + "_user_" + u.UID,
			"secret":   digest[:40],
			"service":  "emulator",
		},
		Settings: map[string]any{"emulator": true},
		FAT:      "fat_" + digest[40:],
	}
}

// PUT /me, body {"platform", "deviceId"} (optional, ignored): the login.
// Marks the user online and sets lastActiveAt.
func (s *Server) putMe(w http.ResponseWriter, r *http.Request) *apiError {
	var b struct {
		Platform string `json:"platform"`
		DeviceID string `json:"deviceId"`
	}
	if e := decodeBody(r, &b); e != nil {
		return e
	}
	return s.answerMe(w, r, true)
}

// GET /me: the user, unchanged.
func (s *Server) getMe(w http.ResponseWriter, r *http.Request) *apiError {
	return s.answerMe(w, r, false)
}

func (s *Server) answerMe(w http.ResponseWriter, r *http.Request, login bool) *apiError {
	token := r.Header.Get(headerAuthToken)
	u, e := s.store.me(token, login)
	if e != nil {
		return e
	}
	writeData(w, s.meView(u, token))
	return nil
}

// DELETE /me: the logout. Revokes the token it was called with.
func (s *Server) deleteMe(w http.ResponseWriter, r *http.Request) *apiError {
	if e := s.store.logout(r.Header.Get(headerAuthToken)); e != nil {
		return e
	}
	writeDeleted(w, "Logged out successfully")
	return nil
}
