package resources_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

func renameUserOutOfBand(t *testing.T, e *acctest.Env, from, to string) {
	req := ram.CreateUpdateUserRequest()
	req.UserName, req.NewUserName = from, to
	mustSDK(t, "UpdateUser")(e.RAM(t, e.B).UpdateUser(req))
}

// checkUserNamed: account B has a user with this name and ID, and none under the other names.
func checkUserNamed(t *testing.T, e *acctest.Env, name string, gone ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := attr(s, userAddr, "user_id")
		if err != nil {
			return err
		}
		req := ram.CreateGetUserRequest()
		req.UserName = name
		u, err := e.RAM(t, e.B).GetUser(req)
		if err != nil {
			return fmt.Errorf("user %s: %v", name, err)
		}
		if u.User.UserId != id {
			return fmt.Errorf("user %s has ID %s, state says %s", name, u.User.UserId, id)
		}
		for _, g := range gone {
			req := ram.CreateGetUserRequest()
			req.UserName = g
			if _, err := e.RAM(t, e.B).GetUser(req); err == nil || !strings.Contains(err.Error(), "EntityNotExist") {
				return fmt.Errorf("user %s: want EntityNotExist, got %v", g, err)
			}
		}
		return nil
	}
}

// TestAccDelegatedUser_renamedOutOfBand: a user renamed in the console is found again by its ID and renamed
// back in place (same user, same AccessKey, same managed policy), instead of being dropped from state and
// created a second time next to an orphan that keeps its keys. Renamed again and then destroyed, it is
// revoked under its new name.
func TestAccDelegatedUser_renamedOutOfBand(t *testing.T) {
	e := acctest.New(t)
	role := acctest.RandomName("role")
	arn := roleInA(t, e, role)
	name := acctest.RandomName("oob")
	other := name + "-console"
	policyName := "AssumeRole-" + name
	sameUserID := statecheck.CompareValue(compare.ValuesSame())
	sameKey := statecheck.CompareValue(compare.ValuesSame())
	config := delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {}
`, arn))

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				sameUserID.AddStateValue(userAddr, tfjsonpath.New("user_id")),
				sameKey.AddStateValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkUserPolicies(t, e, name, "Custom:"+policyName),
				checkCanAssume(t, e, userAddr, []string{arn}, nil),
			),
		},
		{
			// Renamed in the console: the plan renames it back in place.
			PreConfig: func() { renameUserOutOfBand(t, e, name, other) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("arn"), knownvalue.StringExact("acs:ram::"+e.B.ID+":user/"+name)),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact(policyName)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameUserID.AddStateValue(userAddr, tfjsonpath.New("user_id")),
				sameKey.AddStateValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("logon_name"), knownvalue.StringExact(name+"@"+aliasOrID(e)+".onaliyun.com")),
				acctest.IfIdentity(statecheck.ExpectIdentity(userAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(e.B.ID), "name": knownvalue.StringExact(name)})),
			},
			Check: resource.ComposeTestCheckFunc(
				checkUserNamed(t, e, name, other),
				// The managed policy is reused, not duplicated under the console name.
				checkUserPolicies(t, e, name, "Custom:"+policyName),
				checkPolicyGone(t, e, "AssumeRole-"+other),
				checkCanAssume(t, e, userAddr, []string{arn}, nil),
			),
		},
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
		{
			// Renamed in the console again, then destroyed: the refresh follows the ID, so destroy revokes
			// the user under its new name (CheckDestroy proves nothing is left).
			PreConfig:          func() { renameUserOutOfBand(t, e, name, other) },
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(userAddr, "name", other),
				resource.TestCheckResourceAttr(userAddr, "assume_role_policy_name", policyName),
			),
		},
	})
}
