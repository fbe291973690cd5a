package resources_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// TestAccDelegatedUser_createCost: creating users pays for what each user needs and no more: the account
// alias behind every logon name is read once per command (plan, apply), not once per user, and a user just
// created is known to hold no policy, so its grant is attached without listing its policies first.
func TestAccDelegatedUser_createCost(t *testing.T) {
	e := acctest.New(t)
	e.NeedsEmulator(t, "call counts come from the emulator")
	role, arn := randomRoleInA(t, e)
	prefix := acctest.RandomName("cost")
	const users = 4
	var b strings.Builder
	b.WriteString(e.SeparateProviderConfig())
	for i := 0; i < users; i++ {
		assumable := ""
		if i%2 == 0 { // half with the managed policy, half with AliyunSTSAssumeRoleAccess
			assumable = fmt.Sprintf("assumable_role_arns = [%q]", arn)
		}
		fmt.Fprintf(&b, `
resource "aliram_delegated_user" "u%d" {
  provider = aliramb
  name     = "%s-%d"
  %s
  console_login = { password = "Cost-Passw0rd-%d" }
}
`, i, prefix, i, assumable, i)
	}
	e.ResetCalls()
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{{
		Config: b.String(),
		Check: func(*terraform.State) error {
			calls := e.Calls()
			if n := calls["Ram.GetAccountAlias"]; n < 1 || n > 2 {
				return fmt.Errorf("GetAccountAlias called %d times for %d users, want once per command: %v", n, users, calls)
			}
			return checkCalls(e, map[string]int64{"Ram.ListPoliciesForUser": 0, "Ram.CreateUser": users,
				"Ram.AttachPolicyToUser": users, "Ram.CreateLoginProfile": users})(nil)
		},
	}})
}
