package cometchatcalls

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListeners_OrderReplaceRemove(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	mockLogout(mt)
	var got []string
	listen := func(name string) LoginListener {
		return LoginListener{
			OnLoginSuccess:  func(*User) { got = append(got, name+":login") },
			OnLogoutSuccess: func() { got = append(got, name+":logout") },
		}
	}
	c.AddLoginListener("a", listen("a"))
	c.AddLoginListener("b", listen("b"))
	c.AddLoginListener("c", listen("c"))
	c.AddLoginListener("b", listen("B")) // replaces in place
	c.RemoveLoginListener("c")
	c.RemoveLoginListener("unknown")

	ctx := context.Background()
	_, err := c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	require.NoError(t, c.Logout(ctx))
	assert.Equal(t, []string{"a:login", "B:login", "a:logout", "B:logout"}, got)
}

func TestListeners_NilFieldsAreSkipped(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	c.AddLoginListener("empty", LoginListener{})
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	_, err = c.Login(context.Background(), "", "")
	requireCode(t, err, CodeInvalidUID)
}

func TestListeners_ReentrantAddRemoveAndCalls(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	var got []string
	c.AddLoginListener("self-removing", LoginListener{OnLoginSuccess: func(*User) {
		got = append(got, "self")
		c.RemoveLoginListener("self-removing")
		c.AddLoginListener("added-later", LoginListener{OnLoginSuccess: func(*User) { got = append(got, "later") }})
		// the gate is already open: the listener may use the client
		u, err := c.GetLoggedInUser(context.Background())
		if err != nil || u == nil {
			got = append(got, "no user in listener")
		}
	}})
	ctx := context.Background()
	_, err := c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, []string{"self"}, got, "changes apply from the next event")

	mockLogout(mt)
	require.NoError(t, c.Logout(ctx))
	_, err = c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, []string{"self", "later"}, got)
}

func TestListeners_LoginSuccessGetsACopy(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	c.AddLoginListener("vandal", LoginListener{OnLoginSuccess: func(u *User) { u.Name = "vandalised" }})
	u, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, "A", u.Name)
	again, _ := c.GetLoggedInUser(context.Background())
	assert.Equal(t, "A", again.Name)
}

func TestListeners_FailureHeardBeforeCallerReturns(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	var heard *Error
	c.AddLoginListener("l", LoginListener{OnLoginFailure: func(e *Error) { heard = e }})
	_, err := c.LoginWithAuthToken(context.Background(), "has space")
	require.Error(t, err)
	require.NotNil(t, heard, "synchronous: heard before the method returned")
	assert.Equal(t, CodeAuthTokenWithSpace, heard.Code)
}
