package resources_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// TestAccClears: removing description (role, policy) and the user's display_name, email, mobile_phone and
// comments from the configuration clears them in RAM, and the plan after that apply is empty.
func TestAccClears(t *testing.T) {
	e := acctest.New(t)
	role, pol, user := acctest.RandomName("clear"), acctest.RandomName("clear"), acctest.RandomName("clear")
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:GetUser","Resource":"*"}]}`
	config := func(filled bool) string {
		roleExtra, polExtra, userExtra := "", "", ""
		if filled {
			roleExtra = `description = "role to clear"`
			polExtra = `description = "policy to clear"`
			userExtra = `
  display_name = "Alice A."
  email        = "alice@example.com"
  mobile_phone = "86-18600000000"
  comments     = "an engineer of B"
`
		}
		return delegatedUserHCL(e, user, userExtra) + roleHCL("test", role, e.B.ID, roleExtra) +
			policyHCL("test", pol, strconv.Quote(doc), polExtra)
	}
	inRAM := func(wantRole, wantPolicy string, wantUser [4]string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			r, err := byHand(t, e, e.A).getRole(role)
			if err != nil {
				return err
			}
			if r.Role.Description != wantRole {
				return fmt.Errorf("role description %q in RAM, want %q", r.Role.Description, wantRole)
			}
			p, err := sdkGetPolicy(t, e, pol)
			if err != nil {
				return err
			}
			if p.Policy.Description != wantPolicy {
				return fmt.Errorf("policy description %q in RAM, want %q", p.Policy.Description, wantPolicy)
			}
			gu := ram.CreateGetUserRequest()
			gu.UserName = user
			u, err := e.RAM(t, e.B).GetUser(gu)
			if err != nil {
				return err
			}
			if got := [4]string{u.User.DisplayName, u.User.Email, u.User.MobilePhone, u.User.Comments}; got != wantUser {
				return fmt.Errorf("user profile %q in RAM, want %q", got, wantUser)
			}
			return nil
		}
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: config(true),
			Check: inRAM("role to clear", "policy to clear",
				[4]string{"Alice A.", "alice@example.com", "86-18600000000", "an engineer of B"}),
		},
		{
			Config: config(false),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("aliram_cross_account_role.test", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("aliram_policy.test", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				inRAM("", "", [4]string{}),
				resource.TestCheckNoResourceAttr("aliram_cross_account_role.test", "description"),
				resource.TestCheckNoResourceAttr("aliram_policy.test", "description"),
				resource.TestCheckNoResourceAttr(userAddr, "comments"),
				resource.TestCheckNoResourceAttr(userAddr, "email"),
			),
		},
		{
			// The empty values read back as null: nothing left to change.
			Config: config(false),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
	})
}
