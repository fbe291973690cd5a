package ramclient

import (
	"context"
	"testing"
)

// TestCodePredicates: each predicate holds for its RAM code (as the SDK delivers it) and not for its
// neighbours, so callers can tell a missing role from a missing policy without naming codes.
func TestCodePredicates(t *testing.T) {
	f := newFake(t)
	c := newTestClient(t, f, func(c *Config) { c.MaxRetries = 0 })
	predicates := map[string]func(error) bool{
		"IsRoleNotFound": IsRoleNotFound, "IsPolicyNotFound": IsPolicyNotFound,
		"IsWeakPassword": IsWeakPassword, "IsLimitExceeded": IsLimitExceeded,
		"IsUserNotFound": IsUserNotFound, "IsNotInGroup": IsNotInGroup, "IsNoMFADevice": IsNoMFADevice,
		"IsMFADeviceNotFound": IsMFADeviceNotFound,
	}
	cases := []struct {
		status int
		code   string
		holds  string // the one predicate that holds; "" for none
	}{
		{404, "EntityNotExist.Role", "IsRoleNotFound"},
		{404, "EntityNotExist.Policy", "IsPolicyNotFound"},
		{404, "EntityNotExist.User", "IsUserNotFound"},
		{404, "EntityNotExist.User.LoginProfile", ""},
		{404, "EntityNotExist.User.Group", "IsNotInGroup"},
		{404, "EntityNotExist.User.MFADevice", "IsNoMFADevice"},
		{404, "EntityNotExist.VirtualMFADevice", "IsMFADeviceNotFound"},
		{404, "EntityNotExist.Group", ""},
		{400, "InvalidParameter.Password.TooWeak", "IsWeakPassword"},
		{400, "InvalidParameter.Password.Length", ""},
		{409, "LimitExceeded.User.AccessKey", "IsLimitExceeded"},
	}
	for _, tc := range cases {
		f.on("GetRole", seq(resp(tc.status, apiErr(tc.code, "m"))))
		_, err := c.GetRole(context.Background(), "r")
		for name, p := range predicates {
			if got, want := p(err), name == tc.holds; got != want {
				t.Errorf("%s(%s) = %v, want %v", name, tc.code, got, want)
			}
		}
	}
}
