package cometchatcalls

import (
	"fmt"
	"net/http"
)

// listPage is one page of a REST list (GET /users, GET
// /users/{uid}/auth_tokens): the items in "data", and where the page sits
// in "meta.pagination".
type listPage[T any] struct {
	envelope[[]T]
	Meta struct {
		Pagination *pagination `json:"pagination"`
	} `json:"meta"`
}

type pagination struct {
	Total       int `json:"total"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	TotalPages  int `json:"total_pages"`
}

// checked returns the page's pagination when it is the answer to page of
// the list named what, or ERROR_INVALID_RESPONSE: missing, another page,
// negative sizes, more than maxPages pages (0: no bound), or items on a
// list that claims to have no pages.
func (l *listPage[T]) checked(what string, page, maxPages int) (*pagination, *Error) {
	p := l.Meta.Pagination
	switch {
	case p == nil:
		return nil, invalidResponse(http.StatusOK, "the "+what+" has no meta.pagination", nil)
	case p.CurrentPage != page:
		return nil, invalidResponse(http.StatusOK, fmt.Sprintf("asked for page %d of the %s, got page %d", page, what, p.CurrentPage), nil)
	case p.TotalPages < 0 || p.Total < 0:
		return nil, invalidResponse(http.StatusOK, "the "+what+" claims a negative size", nil)
	case maxPages > 0 && p.TotalPages > maxPages:
		return nil, invalidResponse(http.StatusOK, fmt.Sprintf("the %s claims %d pages", what, p.TotalPages), nil)
	case p.TotalPages == 0 && len(*l.Data) > 0:
		return nil, invalidResponse(http.StatusOK, "the "+what+" claims no pages but holds items", nil)
	}
	return p, nil
}
