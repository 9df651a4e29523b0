package cometchatcalls

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListPage_Checked: every answer of a REST list that does not fit the
// page asked for is ERROR_INVALID_RESPONSE, for both lists.
func TestListPage_Checked(t *testing.T) {
	const items = `"data":[{"uid":"a"}]`
	for name, tt := range map[string]struct {
		body     string
		maxPages int
		wantErr  string
	}{
		"fits":                     {`{` + items + `,"meta":{"pagination":{"total":1,"per_page":10,"current_page":2,"total_pages":3}}}`, 5, ""},
		"no bound":                 {`{` + items + `,"meta":{"pagination":{"current_page":2,"total_pages":1000000}}}`, 0, ""},
		"no pagination":            {`{` + items + `}`, 5, "has no meta.pagination"},
		"another page":             {`{` + items + `,"meta":{"pagination":{"current_page":1,"total_pages":3}}}`, 5, "asked for page 2 of the user list, got page 1"},
		"negative pages":           {`{` + items + `,"meta":{"pagination":{"current_page":2,"total_pages":-1}}}`, 5, "negative size"},
		"negative total":           {`{` + items + `,"meta":{"pagination":{"total":-1,"current_page":2,"total_pages":3}}}`, 5, "negative size"},
		"too many pages":           {`{` + items + `,"meta":{"pagination":{"current_page":2,"total_pages":6}}}`, 5, "claims 6 pages"},
		"items on no pages at all": {`{` + items + `,"meta":{"pagination":{"current_page":2,"total_pages":0}}}`, 5, "claims no pages but holds items"},
	} {
		t.Run(name, func(t *testing.T) {
			var l listPage[User]
			require.NoError(t, json.Unmarshal([]byte(tt.body), &l))
			p, e := l.checked("user list", 2, tt.maxPages)
			if tt.wantErr == "" {
				require.Nil(t, e)
				assert.Equal(t, 2, p.CurrentPage)
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, CodeInvalidResponse, e.Code)
			assert.Contains(t, e.Message, tt.wantErr)
		})
	}
}
