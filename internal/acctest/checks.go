package acctest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// CheckNothingLeft is a CheckDestroy that proves revocation: neither account holds a role, custom policy,
// attachment, user, login profile or AccessKey anymore. On the emulator each test has its own accounts, so
// "nothing" is exact; on real Alibaba Cloud only entities named with the test prefix (tfacc-) are considered.
func (e *Env) CheckNothingLeft(t *testing.T) func(*terraform.State) error {
	return func(*terraform.State) error {
		if e.Emulator == nil {
			return e.checkNothingLeftReal(t)
		}
		return NothingLeft(e.Emulator.State())
	}
}

// NothingLeft reports what an emulator state dump still holds, if anything.
func NothingLeft(dump ramemu.StateDump) error {
	var left []string
	for _, a := range dump.Accounts {
		for _, r := range a.Roles {
			left = append(left, fmt.Sprintf("account %s: role %s", a.ID, r.Name))
		}
		for _, p := range a.Policies {
			left = append(left, fmt.Sprintf("account %s: custom policy %s", a.ID, p.Name))
		}
		for _, at := range a.Attachments {
			left = append(left, fmt.Sprintf("account %s: %s policy %s attached to %s %s", a.ID, at.PolicyType, at.PolicyName, at.PrincipalType, at.PrincipalName))
		}
		for _, u := range a.Users {
			left = append(left, fmt.Sprintf("account %s: user %s", a.ID, u.Name))
		}
		for _, d := range a.MFADevices {
			left = append(left, fmt.Sprintf("account %s: MFA device %s (bound to %q)", a.ID, d.SerialNumber, d.UserName))
		}
		for _, g := range a.Groups {
			left = append(left, fmt.Sprintf("account %s: group %s (members %v)", a.ID, g.Name, g.Members))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("destroy left things behind:\n  %s", strings.Join(left, "\n  "))
	}
	return nil
}

func (e *Env) checkNothingLeftReal(t *testing.T) error {
	for _, acct := range []ramemu.Account{e.A, e.B} {
		c := e.RAM(t, acct)
		roles, err := c.ListRoles(ram.CreateListRolesRequest())
		if err != nil {
			return err
		}
		var names []string
		for _, r := range roles.Roles.Role {
			names = append(names, "role "+r.RoleName)
		}
		users, err := c.ListUsers(ram.CreateListUsersRequest())
		if err != nil {
			return err
		}
		for _, u := range users.Users.User {
			names = append(names, "user "+u.UserName)
		}
		req := ram.CreateListPoliciesRequest()
		req.PolicyType = "Custom"
		pols, err := c.ListPolicies(req)
		if err != nil {
			return err
		}
		for _, p := range pols.Policies.Policy {
			names = append(names, "policy "+p.PolicyName)
		}
		for _, n := range names {
			if _, name, _ := strings.Cut(n, " "); strings.HasPrefix(name, namePrefix) {
				return fmt.Errorf("account %s still has %s", acct.ID, n)
			}
		}
	}
	return nil
}

// ResetCalls zeroes the emulator's call counters (no-op on real Alibaba Cloud).
func (e *Env) ResetCalls() {
	if e.Emulator != nil {
		e.Emulator.ResetStats()
	}
}

// Calls returns the emulator's call counters by "Ram.<Action>" (nil on real Alibaba Cloud).
func (e *Env) Calls() map[string]int64 {
	if e.Emulator == nil {
		return nil
	}
	return e.Emulator.Stats().Calls
}

// AssertNoAPICalls fails the test if any RAM or STS call reached the emulator since the last reset: bad
// input must be refused at plan time, before the provider talks to anyone.
func (e *Env) AssertNoAPICalls(t *testing.T) {
	t.Helper()
	if e.Emulator == nil {
		return
	}
	if s := e.Emulator.Stats(); s.Total != 0 {
		t.Fatalf("expected no API call, the emulator saw %d: %v", s.Total, s.Calls)
	}
}
