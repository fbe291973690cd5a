package resources_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// emptyOutOfBand is out_of_band of a user holding nothing beyond its configuration.
var emptyOutOfBand = knownvalue.ObjectExact(map[string]knownvalue.Check{
	"policies":       knownvalue.SetSizeExact(0),
	"access_key_ids": knownvalue.SetSizeExact(0),
	"login_profile":  knownvalue.Bool(false),
	"groups":         knownvalue.SetSizeExact(0),
})

// grantOutOfBand gives user, by hand, what a careless administrator would: AdministratorAccess, a second
// AccessKey (returned), a console login profile, and membership of group.
func grantOutOfBand(t *testing.T, e *acctest.Env, user, group string) string {
	b := byHand(t, e, e.B)
	b.attachToUser(user, "System", "AdministratorAccess")
	key := b.createAccessKey(user)
	lp := ram.CreateCreateLoginProfileRequest()
	lp.UserName, lp.Password = user, "OutOfBand-Passw0rd"
	mustSDK(t, "CreateLoginProfile")(b.c.CreateLoginProfile(lp))
	b.addToGroup(group, user)
	return key.ID
}

// userHoldings summarises what RAM says user holds: "keys=N login=B groups=[...] policies=[...]".
func userHoldings(t *testing.T, e *acctest.Env, user string) (string, error) {
	b := e.RAM(t, e.B)
	lk := ram.CreateListAccessKeysRequest()
	lk.UserName = user
	keys, err := b.ListAccessKeys(lk)
	if err != nil {
		return "", err
	}
	lp := ram.CreateGetLoginProfileRequest()
	lp.UserName = user
	_, lerr := b.GetLoginProfile(lp)
	if lerr != nil && !strings.Contains(lerr.Error(), "EntityNotExist") {
		return "", lerr
	}
	lg := ram.CreateListGroupsForUserRequest()
	lg.UserName = user
	groups, err := b.ListGroupsForUser(lg)
	if err != nil {
		return "", err
	}
	var gs []string
	for _, g := range groups.Groups.Group {
		gs = append(gs, g.GroupName)
	}
	policies, err := userPolicies(t, e, user)
	if err != nil {
		return "", err
	}
	sort.Strings(policies)
	return fmt.Sprintf("keys=%d login=%t groups=%v policies=%v", len(keys.AccessKeys.AccessKey), lerr == nil, gs, policies), nil
}

func checkHoldings(t *testing.T, e *acctest.Env, user, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := userHoldings(t, e, user)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("user %s holds %s, want %s", user, got, want)
		}
		return nil
	}
}

// TestAccDelegatedUser_exclusive: an application user (programmatic_access only) given AdministratorAccess, a
// second AccessKey, a console login profile and a group by hand: the refresh shows each in out_of_band, the
// plan empties it, and apply removes exactly those while the user keeps its own key and policy. With
// exclusive = false the same grants are left alone and the plan is empty; switching exclusive back on shows
// them in the next plan, whose apply removes them. Destroy leaves both accounts empty.
func TestAccDelegatedUser_exclusive(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	name, group := acctest.RandomName("app"), acctest.RandomName("admins")
	cg := ram.CreateCreateGroupRequest()
	cg.GroupName = group
	mustSDK(t, "CreateGroup")(e.RAM(t, e.B).CreateGroup(cg))
	config := func(exclusive string) string {
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {}
  %s
`, arn, exclusive))
	}
	own := "keys=1 login=false groups=[] policies=[Custom:AssumeRole-" + name + "]"
	granted := "keys=2 login=true groups=[" + group + "] policies=[Custom:AssumeRole-" + name + " System:AdministratorAccess]"
	var extraKey string
	checkDestroy := func(s *terraform.State) error {
		dg := ram.CreateDeleteGroupRequest()
		dg.GroupName = group
		if _, err := e.RAM(t, e.B).DeleteGroup(dg); err != nil {
			return fmt.Errorf("deleting group %s (is the user still in it?): %v", group, err)
		}
		return checkNothingLeftAfter(t, e, role)(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkDestroy, []resource.TestStep{
		{
			Config: config(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("exclusive"), knownvalue.Bool(true)),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("out_of_band"), emptyOutOfBand),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("out_of_band"), emptyOutOfBand),
			},
			Check: checkHoldings(t, e, name, own),
		},
		{
			PreConfig:          func() { extraKey = grantOutOfBand(t, e, name, group) },
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckTypeSetElemAttr(userAddr, "out_of_band.policies.*", "System:AdministratorAccess"),
				resource.TestCheckResourceAttr(userAddr, "out_of_band.policies.#", "1"),
				func(s *terraform.State) error {
					return resource.TestCheckTypeSetElemAttr(userAddr, "out_of_band.access_key_ids.*", extraKey)(s)
				},
				resource.TestCheckResourceAttr(userAddr, "out_of_band.access_key_ids.#", "1"),
				resource.TestCheckResourceAttr(userAddr, "out_of_band.login_profile", "true"),
				resource.TestCheckTypeSetElemAttr(userAddr, "out_of_band.groups.*", group),
				resource.TestCheckNoResourceAttr(userAddr, "console_login.password_reset_required"),
			),
		},
		{
			Config: config(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectNonEmptyPlan(),
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("out_of_band"), emptyOutOfBand),
					// The user's own key is kept.
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id"), knownvalue.NotNull()),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				checkHoldings(t, e, name, own),
				checkCanAssume(t, e, userAddr, []string{arn}, nil),
			),
		},
		{
			Config: config("exclusive = false"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("out_of_band"), knownvalue.Null()),
			}},
		},
		{
			// Opted out: the same grants are left alone, and the plan is empty.
			PreConfig: func() { grantOutOfBand(t, e, name, group) },
			Config:    config("exclusive = false"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			Check: checkHoldings(t, e, name, granted),
		},
		{
			// Switched back on: apply reads what the user holds; the plan after it shows the removal.
			Config:             config(""),
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("out_of_band")),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkHoldings(t, e, name, granted),
				resource.TestCheckResourceAttr(userAddr, "out_of_band.login_profile", "true"),
			),
		},
		{
			Config: config(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkHoldings(t, e, name, own),
		},
	})
}

// TestAccDelegatedUser_exclusiveConsole: AdministratorAccess attached by hand to a console user (no
// programmatic_access) is a non-empty plan, and apply detaches it; the user keeps its login profile.
func TestAccDelegatedUser_exclusiveConsole(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("alice")
	config := delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  console_login       = { password = "Alice-Passw0rd" }
`, arn))
	own := "keys=0 login=true groups=[] policies=[Custom:AssumeRole-" + name + "]"
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{Config: config, Check: checkHoldings(t, e, name, own)},
		{
			PreConfig: func() {
				byHand(t, e, e.B).attachToUser(name, "System", "AdministratorAccess")
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectNonEmptyPlan(),
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkHoldings(t, e, name, own),
		},
	})
}
