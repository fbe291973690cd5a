package resources_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// TestAccExpectedAccount_readsGuarded: a delegation applied with A's credentials and expected_account_id = A,
// then planned and applied (refresh included) with B's credentials in A's block. Both commands fail naming
// both accounts, before any read could answer "not found" and drop a resource: with the right credentials
// again, the state still holds every resource and the plan is empty.
func TestAccExpectedAccount_readsGuarded(t *testing.T) {
	e := acctest.New(t)
	role, user := acctest.RandomName("guard"), acctest.RandomName("guard")
	keyA := acctest.Key{ID: e.A.AccessKeyID, Secret: e.A.AccessKeySecret}
	keyB := acctest.Key{ID: e.B.AccessKeyID, Secret: e.B.AccessKeySecret}
	config := func(aBlockKey acctest.Key) string {
		return e.ProviderBlockWith("", aBlockKey, fmt.Sprintf("expected_account_id = %q", e.A.ID)) +
			e.NamedProviderBlock("aliramb", keyB, fmt.Sprintf("expected_account_id = %q", e.B.ID)) +
			roleHCL("test", role, e.B.ID) + attachmentHCL("test", "test", "System", `"AliyunOSSReadOnlyAccess"`) + userHCL(user, `
  assumable_role_arns = [aliram_cross_account_role.test.arn]
  programmatic_access = {}
`)
	}
	mismatch := regexp.MustCompile(`(?s)belong to account\s+` + e.B.ID + `.*expected_account_id\s+is\s+` + e.A.ID)
	addrs := []string{"aliram_cross_account_role.test", "aliram_role_policy_attachment.test", userAddr}
	var stillThere []statecheck.StateCheck
	for _, a := range addrs {
		stillThere = append(stillThere, statecheck.ExpectKnownValue(a, tfjsonpath.New("id"), knownvalue.NotNull()))
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{Config: config(keyA)},
		{
			// A plan with the wrong credentials: refused, naming both accounts.
			PreConfig:   e.ResetCalls,
			Config:      config(keyB),
			PlanOnly:    true,
			ExpectError: mismatch,
		},
		{
			// An apply (its refresh is written to the state) with the wrong credentials: refused before any
			// read of A's resources, so none leaves the state.
			PreConfig:   e.ResetCalls,
			Config:      config(keyB),
			ExpectError: mismatch,
		},
		{
			// The right credentials again: every resource is still in the state, nothing to do.
			Config:            config(keyA),
			ConfigStateChecks: stillThere,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
	})
}
