package cometchatcalls

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// The page size of ListUsers: CometChat's default and its largest.
const (
	defaultUsersPerPage = 100
	maxUsersPerPage     = 1000
)

// ListUsersOptions picks the page AdminClient.ListUsers returns; nil, or a
// zero field, means the default.
type ListUsersOptions struct {
	// Page is the page to return, counted from 1 (0 means 1).
	Page int
	// PerPage is how many users a page holds, 1 to 1000 (0 means 100).
	PerPage int
}

// UserPage is one page of an app's users, with where it sits in the list.
type UserPage struct {
	// Users are the users of this page; empty (not nil) past the last page.
	Users []User `json:"users"`
	// Page is the page's number, from 1.
	Page int `json:"page"`
	// PerPage is the page size the server applied.
	PerPage int `json:"perPage"`
	// Total is how many users all pages hold.
	Total int `json:"total"`
	// TotalPages is how many pages there are (0 for an app without users).
	TotalPages int `json:"totalPages"`
}

// ListUsers returns one page of the app's users (GET /users), in the
// server's order. Unlike ListAuthTokens it does not follow the pages: an
// app may have millions of users, so the caller asks for the next page
// (opts.Page+1) while Page < TotalPages.
//
// A negative Page, or a PerPage outside 0…1000, is ERROR_INVALID_ARGUMENT,
// checked before any request. CometChat answers the auth key here with
// AUTH_ERR_NO_ACCESS: listing users takes the REST API key. An answer whose
// pagination is missing or names another page, or that holds a user
// without a uid, is ERROR_INVALID_RESPONSE.
func (a *AdminClient) ListUsers(ctx context.Context, opts *ListUsersOptions) (*UserPage, error) {
	if e := a.enter(ctx); e != nil {
		return nil, e
	}
	defer a.life.leave()
	o := ListUsersOptions{Page: 1, PerPage: defaultUsersPerPage}
	if opts != nil {
		if opts.Page < 0 || opts.PerPage < 0 || opts.PerPage > maxUsersPerPage {
			return nil, newError(CodeInvalidArgument, fmt.Sprintf(
				"Page must be 0 or more and PerPage from 0 to %d (0 means the default)", maxUsersPerPage))
		}
		o.Page = max(opts.Page, 1)
		if opts.PerPage != 0 {
			o.PerPage = opts.PerPage
		}
	}
	req := a.request(http.MethodGet, "/users", nil)
	req.query = url.Values{"perPage": {strconv.Itoa(o.PerPage)}, "page": {strconv.Itoa(o.Page)}}.Encode()
	var env *listPage[User]
	if e := doEnvelope(ctx, a.t, req, func() envelopeView { env = &listPage[User]{}; return env }); e != nil {
		return nil, e
	}
	p, e := env.checked("user list", o.Page, 0) // one page is read: no bound needed
	if e != nil {
		return nil, e
	}
	users := *env.Data
	if users == nil {
		users = []User{}
	}
	for i := range users {
		if users[i].UID == "" {
			return nil, invalidResponse(http.StatusOK, "a user in the list has no uid", nil)
		}
	}
	perPage := p.PerPage
	if perPage == 0 {
		perPage = o.PerPage
	}
	return &UserPage{Users: users, Page: p.CurrentPage, PerPage: perPage, Total: p.Total, TotalPages: p.TotalPages}, nil
}
