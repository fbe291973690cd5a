package resources_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// bindMFAOutOfBand does what the guide tells an employee to do when mfa_bind_required is set: create a
// virtual MFA device and bind it with two consecutive codes of the authenticator (computed from the seed).
func bindMFAOutOfBand(t *testing.T, e *acctest.Env, user string) string {
	t.Helper()
	c := e.RAM(t, e.B)
	cr := ram.CreateCreateVirtualMFADeviceRequest()
	cr.VirtualMFADeviceName = user
	dev, err := c.CreateVirtualMFADevice(cr)
	mustSDK(t, "CreateVirtualMFADevice")(dev, err)
	now := time.Now()
	code1, err := ramemu.TOTP(dev.VirtualMFADevice.Base32StringSeed, now.Add(-30*time.Second))
	mustSDK(t, "TOTP")(nil, err)
	code2, err := ramemu.TOTP(dev.VirtualMFADevice.Base32StringSeed, now)
	mustSDK(t, "TOTP")(nil, err)
	br := ram.CreateBindMFADeviceRequest()
	br.UserName, br.SerialNumber = user, dev.VirtualMFADevice.SerialNumber
	br.AuthenticationCode1, br.AuthenticationCode2 = code1, code2
	mustSDK(t, "BindMFADevice")(c.BindMFADevice(br))
	return dev.VirtualMFADevice.SerialNumber
}

// addToGroupOutOfBand: an administrator of account B puts the user in a group of theirs.
func addToGroupOutOfBand(t *testing.T, e *acctest.Env, group, user string) {
	t.Helper()
	b := byHand(t, e, e.B)
	b.createGroup(group)
	b.addToGroup(group, user)
}

// TestAccDelegatedUser_revokesGroupsAndMFA: the contract's end for an employee who did what the guide says
// (bound an MFA device) and whom an administrator put in a group: destroy removes the membership, unbinds
// and deletes the device and deletes the user; the group, the administrator's, stays and is empty. An STS
// session the user obtained before the destroy lives on (RAM does not revoke issued credentials) until the
// role it belongs to is deleted.
func TestAccDelegatedUser_revokesGroupsAndMFA(t *testing.T) {
	e := acctest.New(t)
	role, user, group := acctest.RandomName("rev-role"), acctest.RandomName("rev-user"), acctest.RandomName("rev-group")
	roleARN := roleInA(t, e, role)
	config := e.ProviderConfig() + userHCL(user, fmt.Sprintf(`
  assumable_role_arns = [%q]
  console_login = {
    password          = "Revoke-Passw0rd-2026"
    mfa_bind_required = true
  }
  programmatic_access = {}
  # The administrator manages the group: the membership is no drift, and destroy still revokes it.
  exclusive = false
`, roleARN))

	var session acctest.Key
	checkDestroy := func(s *terraform.State) error {
		st := e.Emulator.State()
		for _, a := range st.Accounts {
			if a.ID != e.B.ID {
				continue
			}
			if len(a.Groups) != 1 || a.Groups[0].Name != group || len(a.Groups[0].Members) != 0 {
				return fmt.Errorf("account B's groups after destroy: %+v, want %s alone and empty", a.Groups, group)
			}
		}
		// The session issued before the destroy still works: removing a user does not revoke it.
		if _, err := e.STS(t, session).GetCallerIdentity(sts.CreateGetCallerIdentityRequest()); err != nil {
			return fmt.Errorf("the session issued before the destroy no longer works: %v", err)
		}
		// Deleting the role invalidates it.
		if err := deleteRoleInA(t, e, role); err != nil {
			return err
		}
		if _, err := e.STS(t, session).GetCallerIdentity(sts.CreateGetCallerIdentityRequest()); err == nil {
			return fmt.Errorf("the session still works after its role was deleted")
		}
		dg := ram.CreateDeleteGroupRequest()
		dg.GroupName = group
		if _, err := e.RAM(t, e.B).DeleteGroup(dg); err != nil {
			return fmt.Errorf("deleting the administrator's group: %v", err)
		}
		return e.CheckNothingLeft(t)(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkDestroy, []resource.TestStep{
		{
			Config: config,
			Check: func(s *terraform.State) error {
				key, err := userKey(s, userAddr)
				if err != nil {
					return err
				}
				if session, err = e.AssumeRoleAfterGrant(t, key, roleARN, ""); err != nil {
					return fmt.Errorf("assuming %s: %v", roleARN, err)
				}
				addToGroupOutOfBand(t, e, group, user)
				bindMFAOutOfBand(t, e, user)
				return nil
			},
		},
	})
}
