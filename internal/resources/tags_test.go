package resources_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// TestAccCrossAccountRole_systemTags: the acs: tags Alibaba Cloud's services put on a new role, and the
// provider's own marker, are never the configuration's tags: no drift after apply, none after import.
func TestAccCrossAccountRole_systemTags(t *testing.T) {
	e := acctest.NewWithOptions(t, ramemu.Options{SystemTags: true})
	name := acctest.RandomName("kafka-ops")
	config := roleConfig(e, name, fmt.Sprintf("  trusted_account_ids = [%q]\n  tags = { contract = \"0042\" }\n", e.B.ID))
	tags := statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("tags"),
		knownvalue.MapExact(map[string]knownvalue.Check{"contract": knownvalue.StringExact("0042")}))
	e.Test(t, []resource.TestStep{
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{tags},
			Check: func(*terraform.State) error {
				for _, a := range e.Emulator.State().Accounts {
					for _, r := range a.Roles {
						if _, ok := r.Tags["acs:rm:rgId"]; !ok {
							return fmt.Errorf("the emulator put no system tag on role %s: %v", r.Name, r.Tags)
						}
					}
				}
				return nil
			},
		},
		{
			ResourceName:            roleAddr,
			ImportState:             true,
			ImportStateId:           name,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"force_detach_policies"},
		},
	})
}

// TestAccCrossAccountRole_tagLimits: a tag value may hold RAM's 256 characters; the provider's own key
// prefix (aliram:) is refused at plan, with no API call.
func TestAccCrossAccountRole_tagLimits(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("kafka-ops")
	long := strings.Repeat("v", 256)
	body := func(tags string) string {
		return fmt.Sprintf("  trusted_account_ids = [%q]\n  tags = %s\n", e.B.ID, tags)
	}
	e.ResetCalls()
	e.Test(t, []resource.TestStep{
		{
			Config:      roleConfig(e, name, body(`{ "aliram:created-by" = "me" }`)),
			PlanOnly:    true,
			ExpectError: wrapRe(`(?s)tags.*starts with "aliram:".*this provider reserves`),
		},
		{
			PreConfig:   func() { e.AssertNoAPICalls(t) },
			Config:      roleConfig(e, name, body(fmt.Sprintf(`{ note = %q }`, long+"v"))),
			PlanOnly:    true,
			ExpectError: wrapRe(`(?s)tags.*256`),
		},
		{
			Config: roleConfig(e, name, body(fmt.Sprintf(`{ note = %q }`, long))),
			Check:  checkRoleTags(e, name, map[string]string{"note": long}),
		},
	})
}
