package cometchatcallstest

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequestLog_KeepsTheNewest(t *testing.T) {
	t.Parallel()
	s := &Server{}
	for i := range maxLoggedRequests + 5 {
		s.appendLocked(Request{Path: strconv.Itoa(i)})
	}
	reqs := s.Requests()
	assert.Len(t, reqs, maxLoggedRequests)
	assert.Equal(t, "5", reqs[0].Path)
	assert.Equal(t, strconv.Itoa(maxLoggedRequests+4), reqs[len(reqs)-1].Path)
}
