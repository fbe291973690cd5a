package resources_test

import (
	"fmt"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// changeOwnPassword: the employee's first logon, as the console does it: the user itself calls
// ChangePassword (signed with its own AccessKey here).
func changeOwnPassword(t *testing.T, e *acctest.Env, s *terraform.State, oldPassword, newPassword string) error {
	key, err := userKey(s, userAddr)
	if err != nil {
		return err
	}
	req := ram.CreateChangePasswordRequest()
	req.OldPassword, req.NewPassword = oldPassword, newPassword
	if _, err := e.RAMAs(t, key).ChangePassword(req); err != nil {
		return fmt.Errorf("the user's own ChangePassword: %v", err)
	}
	return nil
}

// TestAccDelegatedUser_loginFlagsAreIntent: password_reset_required and mfa_bind_required are sent at create;
// after the user changes the password and binds an MFA device, as the guide asks, the plan is empty and an
// apply does not force another reset; an explicit change of one flag sends that flag only.
func TestAccDelegatedUser_loginFlagsAreIntent(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("flags")
	config := func(mfa bool) string {
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  console_login = {
    password          = "First-Passw0rd-2026"
    mfa_bind_required = %t
  }
  programmatic_access = {}
`, mfa))
	}

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: config(true),
			Check: resource.ComposeTestCheckFunc(
				checkLoginProfile(t, e, name, true, true, true),
				func(s *terraform.State) error {
					return changeOwnPassword(t, e, s, "First-Passw0rd-2026", "Own-Passw0rd-2026")
				},
				func(*terraform.State) error { bindMFAOutOfBand(t, e, name); return nil },
				checkLoginProfile(t, e, name, true, false, true),
			),
		},
		{
			// What the user did is no drift: nothing to change, and the apply leaves the login profile alone.
			PreConfig: e.ResetCalls,
			Config:    config(true),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 0}),
				checkLoginProfile(t, e, name, true, false, true),
			),
		},
		{
			// An explicit change sends that flag, and only it: the user is not asked for another new password.
			PreConfig: e.ResetCalls,
			Config:    config(false),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 1}),
				checkLoginProfile(t, e, name, true, false, false),
			),
		},
	})
}
