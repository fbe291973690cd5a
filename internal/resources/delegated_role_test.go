package resources_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

const delegatedRoleAddr = "aliram_delegated_role.test"

// delegatedRoleConfig is account B's provider and one aliram_delegated_role "test".
func delegatedRoleConfig(e *acctest.Env, name, body string) string {
	return e.SeparateProviderConfig() + fmt.Sprintf(`
resource "aliram_delegated_role" "test" {
  provider = aliramb
  name     = %q
%s
}
`, name, body)
}

func checkRolePoliciesB(t *testing.T, e *acctest.Env, role string, want ...string) resource.TestCheckFunc {
	return checkPoliciesOf(t, e, e.B, "role", role, false, want...)
}

func checkTrustB(t *testing.T, e *acctest.Env, role, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r, err := byHand(t, e, e.B).getRole(role)
		if err != nil {
			return err
		}
		if !policy.Equal(r.Role.AssumeRolePolicyDocument, want) {
			return fmt.Errorf("role %s trusts %s, want %s", role, r.Role.AssumeRolePolicyDocument, want)
		}
		return nil
	}
}

// TestAccDelegatedRole_lifecycle: B's role trusted by ECS (the default), granted exactly A's roles through the
// managed policy; the ARN and the trust document are known at plan; the grant, the trusted services and B's
// own principals change in place; import recovers every argument; destroy leaves nothing.
func TestAccDelegatedRole_lifecycle(t *testing.T) {
	e := acctest.New(t)
	role1, role2 := acctest.RandomName("a1"), acctest.RandomName("a2")
	arn1, arn2 := roleInA(t, e, role1), roleInA(t, e, role2)
	name := acctest.RandomName("app")
	pName := "RoleAssumeRole-" + name
	deployer := acctest.RoleARN(e.B.ID, "deployer")
	ecsOnly := mustTrust(t, policy.TrustSpec{Services: []string{"ecs.aliyuncs.com"}})
	widened := mustTrust(t, policy.TrustSpec{Services: []string{"ecs.aliyuncs.com", "fc.aliyuncs.com"}, PrincipalARNs: []string{deployer}})
	body1 := fmt.Sprintf("  assumable_role_arns = [%q]\n  description = \"RocketMQ producer on ECS\"", arn1)
	body2 := fmt.Sprintf("  assumable_role_arns = [%q, %q]\n  trusted_services = [\"ecs.aliyuncs.com\", \"fc.aliyuncs.com\"]\n"+
		"  trusted_principal_arns = [%q]\n  max_session_duration = 7200\n  tags = { app = \"orders\" }", arn1, arn2, deployer)

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role1, role2), []resource.TestStep{
		{
			Config: delegatedRoleConfig(e, name, body1),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(delegatedRoleAddr, plancheck.ResourceActionCreate),
				// What A puts in its trust, and what B's role trusts, are in the plan.
				plancheck.ExpectKnownValue(delegatedRoleAddr, tfjsonpath.New("arn"), knownvalue.StringExact(acctest.RoleARN(e.B.ID, name))),
				plancheck.ExpectKnownValue(delegatedRoleAddr, tfjsonpath.New("trust_policy"), knownvalue.StringExact(ecsOnly)),
				plancheck.ExpectKnownValue(delegatedRoleAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact(pName)),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkTrustB(t, e, name, ecsOnly),
				checkRolePoliciesB(t, e, name, "Custom:"+pName),
				checkPolicyVersion(t, e, pName, "v1", arn1),
			),
		},
		{
			Config: delegatedRoleConfig(e, name, body2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(delegatedRoleAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(delegatedRoleAddr, tfjsonpath.New("trust_policy"), knownvalue.StringExact(widened)),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkTrustB(t, e, name, widened),
				checkRolePoliciesB(t, e, name, "Custom:"+pName),
				checkPolicyVersion(t, e, pName, "v2", arn1, arn2),
			),
		},
		{
			ResourceName:      delegatedRoleAddr,
			ImportState:       true,
			ImportStateId:     name,
			ImportStateVerify: true,
		},
		importByIdentity(delegatedRoleAddr),
		{
			Config: delegatedRoleConfig(e, name, body1),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(delegatedRoleAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkTrustB(t, e, name, ecsOnly),
				checkPolicyVersion(t, e, pName, "v3", arn1),
			),
		},
	})
}

// TestAccDelegatedRole_drift: a trust edited, the managed policy detached or rewritten, and the role deleted
// out of band each show in the plan, and apply repairs them.
func TestAccDelegatedRole_drift(t *testing.T) {
	e := acctest.New(t)
	aRole := acctest.RandomName("a")
	arn := roleInA(t, e, aRole)
	name := acctest.RandomName("drift")
	pName := "RoleAssumeRole-" + name
	config := delegatedRoleConfig(e, name, fmt.Sprintf("  assumable_role_arns = [%q]", arn))
	ecsOnly := mustTrust(t, policy.TrustSpec{Services: []string{"ecs.aliyuncs.com"}})
	b := func() outOfBand { return byHand(t, e, e.B) }
	repaired := resource.ComposeTestCheckFunc(checkTrustB(t, e, name, ecsOnly), checkRolePoliciesB(t, e, name, "Custom:"+pName))
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(delegatedRoleAddr, plancheck.ResourceActionUpdate)}}

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, aRole), []resource.TestStep{
		{Config: config, Check: repaired},
		{
			// Someone lets every RAM user of B assume the role.
			PreConfig: func() {
				b().updateTrust(name, mustTrust(t, policy.TrustSpec{AccountIDs: []string{e.B.ID}, Services: []string{"ecs.aliyuncs.com"}}))
			},
			Config: config, ConfigPlanChecks: update, Check: repaired,
		},
		{
			PreConfig: func() { b().detachFromRole(name, "Custom", pName) },
			Config:    config, ConfigPlanChecks: update, Check: repaired,
		},
		{
			// The managed policy rewritten to allow any role: the plan puts the grant back to exactly A's role.
			PreConfig: func() {
				v := ram.CreateCreatePolicyVersionRequest()
				v.PolicyName, v.SetAsDefault = pName, "true"
				v.PolicyDocument = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Resource":"*"}],"Version":"1"}`
				mustSDK(t, "CreatePolicyVersion")(b().c.CreatePolicyVersion(v))
			},
			Config: config, ConfigPlanChecks: update,
			Check: resource.ComposeTestCheckFunc(repaired, checkPolicyVersion(t, e, pName, "v3", arn)),
		},
		{
			// Deleted out of band: created again.
			PreConfig: func() {
				b().detachFromRole(name, "Custom", pName)
				b().deleteRole(name)
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(delegatedRoleAddr, plancheck.ResourceActionCreate),
			}},
			Check: repaired,
		},
		{
			// A policy attached outside Terraform does not block revocation: destroy detaches it too.
			PreConfig: func() { b().attachToRole(name, "System", "AliyunRAMReadOnlyAccess") },
			Config:    config, PlanOnly: true,
		},
	})
}

// TestAccDelegatedRole_badInput: each bad argument is refused at plan, naming the attribute, before any API call.
func TestAccDelegatedRole_badInput(t *testing.T) {
	e := acctest.New(t)
	arn := acctest.RoleARN(e.A.ID, "kafka-operators")
	cases := map[string]struct{ body, want string }{
		"service not a domain": {fmt.Sprintf("  assumable_role_arns = [%q]\n  trusted_services = [\"ecs\"]", arn), `trusted_services.*not a service principal.*aliyuncs\.com`},
		"service an ARN":       {fmt.Sprintf("  assumable_role_arns = [%q]\n  trusted_services = [\"acs:ram::%s:root\"]", arn, e.B.ID), `trusted_services.*not a service principal`},
		"assumable user ARN":   {fmt.Sprintf("  assumable_role_arns = [\"acs:ram::%s:user/alice\"]", e.A.ID), `assumable_role_arns.*not a role ARN`},
		"assumable not an ARN": {"  assumable_role_arns = [\"kafka-operators\"]", `assumable_role_arns.*not a role ARN`},
		"no assumable role":    {"  assumable_role_arns = []", `assumable_role_arns.*at least 1`},
		"nobody trusted":       {fmt.Sprintf("  assumable_role_arns = [%q]\n  trusted_services = []", arn), `Nobody may assume the role.*trusted_services`},
		"principal not an ARN": {fmt.Sprintf("  assumable_role_arns = [%q]\n  trusted_principal_arns = [\"deployer\"]", arn), `trusted_principal_arns.*not a RAM user or role ARN`},
		"session too long":     {fmt.Sprintf("  assumable_role_arns = [%q]\n  max_session_duration = 50000", arn), `max_session_duration`},
		"name not a role name": {fmt.Sprintf("  assumable_role_arns = [%q]", arn), ``},
		"principal of account A": {fmt.Sprintf("  assumable_role_arns = [%q]\n  trusted_principal_arns = [%q]", arn, acctest.RoleARN(e.A.ID, "ops")),
			`Not a principal of this account.*trusted_principal_arns.*` + e.A.ID},
	}
	for label, c := range cases {
		t.Run(label, func(t *testing.T) {
			name := "app"
			if label == "name not a role name" {
				name, c.want = "app role!", `name`
			}
			e.ResetCalls()
			acctest.TestWith(t, acctest.FactoriesWith("aliramb"), nil, []resource.TestStep{{
				Config:      delegatedRoleConfig(e, name, c.body),
				ExpectError: regexp.MustCompile(`(?s)` + strings.ReplaceAll(c.want, " ", `\s+`)),
			}})
			if label != "principal of account A" { // telling accounts apart needs B's account ID
				e.AssertNoAPICalls(t)
			}
		})
	}
}

// TestAccDelegatedRole_notOurs: a role of that name made outside this provider, or a policy named like the
// managed one, is never taken over: apply fails naming the import block or the policy, and leaves them as
// they are.
func TestAccDelegatedRole_notOurs(t *testing.T) {
	e := acctest.New(t)
	arn := acctest.RoleARN(e.A.ID, "ops")
	taken, clash := acctest.RandomName("taken"), acctest.RandomName("clash")
	b := func() outOfBand { return byHand(t, e, e.B) }
	cr := ram.CreateCreateRoleRequest()
	cr.RoleName = taken
	cr.AssumeRolePolicyDocument = mustTrust(t, policy.TrustSpec{Services: []string{"ecs.aliyuncs.com"}})
	mustSDK(t, "CreateRole")(b().c.CreateRole(cr))
	cp := ram.CreateCreatePolicyRequest()
	cp.PolicyName = "RoleAssumeRole-" + clash
	cp.PolicyDocument = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Resource":"*"}],"Version":"1"}`
	mustSDK(t, "CreatePolicy")(b().c.CreatePolicy(cp))
	cleanup := func(s *terraform.State) error {
		b().deleteRole(taken)
		b().deletePolicy(cp.PolicyName)
		return e.CheckNothingLeft(t)(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), cleanup, []resource.TestStep{
		{
			Config:      delegatedRoleConfig(e, taken, fmt.Sprintf("  assumable_role_arns = [%q]", arn)),
			ExpectError: regexp.MustCompile(`(?s)already\s+exists.*aliram_delegated_role\.<name>`),
		},
		{
			Config:      delegatedRoleConfig(e, clash, fmt.Sprintf("  assumable_role_arns = [%q]", arn)),
			ExpectError: regexp.MustCompile(`(?s)RoleAssumeRole-` + clash + `.*did\s+not\s+create`),
			// The policy someone else made is untouched.
			Check: checkPolicyVersion(t, e, cp.PolicyName, "v1", `"Resource":"*"`),
		},
	})
}

// TestAccDelegatedRole_lostAnswers: with a third of all write answers lost on the way back (RAM carried the
// call out), apply still makes exactly one role with one grant, proven its own by the markers on the role and
// the managed policy, and destroy still leaves nothing.
func TestAccDelegatedRole_lostAnswers(t *testing.T) {
	e := acctest.NewWithOptions(t, ramemu.Options{DropResponseRate: 0.34, Seed: 13})
	arn := acctest.RoleARN(e.A.ID, "ops")
	name := acctest.RandomName("lossy")
	pName := "RoleAssumeRole-" + name
	ecsOnly := mustTrust(t, policy.TrustSpec{Services: []string{"ecs.aliyuncs.com"}})
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{{
		Config: delegatedRoleConfig(e, name, fmt.Sprintf("  assumable_role_arns = [%q]", arn)),
		Check: resource.ComposeTestCheckFunc(
			checkTrustB(t, e, name, ecsOnly),
			checkRolePoliciesB(t, e, name, "Custom:"+pName),
			checkPolicyVersion(t, e, pName, "v1", arn),
			func(*terraform.State) error {
				if s := e.Emulator.Stats(); s.Dropped["Ram.CreateRole"]+s.Dropped["Ram.CreatePolicy"] == 0 {
					return fmt.Errorf("no create lost its answer: the test proves nothing (lost %v)", s.Dropped)
				}
				return nil
			},
		),
	}})
}

// TestAccPlanWarnings_delegatedRole: a new trusted service or principal, a new assumable role and longer
// sessions each warn on their argument; narrowing warns nothing.
func TestAccPlanWarnings_delegatedRole(t *testing.T) {
	e := acctest.New(t)
	w := &acctest.Warnings{}
	name := acctest.RandomName("warned")
	arn1, arn2 := acctest.RoleARN(e.A.ID, "ops"), acctest.RoleARN(e.A.ID, "admin")
	deployer := acctest.RoleARN(e.B.ID, "deployer")
	config := func(services, principals, arns, session string) string {
		body := "  assumable_role_arns = " + arns + "\n  trusted_services = " + services + "\n  max_session_duration = " + session
		if principals != "" {
			body += "\n  trusted_principal_arns = " + principals
		}
		return delegatedRoleConfig(e, name, body)
	}
	base := config(hclList("ecs.aliyuncs.com", "fc.aliyuncs.com"), "", hclList(arn1, arn2), "3600")
	const typ = "aliram_delegated_role"
	update := plancheck.ExpectResourceAction(delegatedRoleAddr, plancheck.ResourceActionUpdate)
	acctest.TestWith(t, w.Factories("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			PreConfig:        w.Reset,
			Config:           base,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w.ExpectNone(widened)}},
		},
		planOnly(w, config(hclList("ecs.aliyuncs.com", "fc.aliyuncs.com", "cs.aliyuncs.com"), "", hclList(arn1, arn2), "3600"), true, update,
			w.Expect(typ, "trusted_services", "trusts a new principal", "Service:cs.aliyuncs.com")),
		planOnly(w, config(hclList("ecs.aliyuncs.com", "fc.aliyuncs.com"), hclList(deployer), hclList(arn1, arn2), "3600"), true, update,
			w.Expect(typ, "trusted_principal_arns", "trusts a new principal", deployer)),
		planOnly(w, config(hclList("ecs.aliyuncs.com", "fc.aliyuncs.com"), "", hclList(arn1, arn2, acctest.RoleARN(e.A.ID, "billing")), "3600"), true, update,
			w.Expect(typ, "assumable_role_arns", "may assume a new role", acctest.RoleARN(e.A.ID, "billing"))),
		planOnly(w, config(hclList("ecs.aliyuncs.com", "fc.aliyuncs.com"), "", hclList(arn1, arn2), "7200"), true, update,
			w.Expect(typ, "max_session_duration", "allows longer sessions")),
		// Narrowing: one service and one role fewer.
		planOnly(w, config(hclList("ecs.aliyuncs.com"), "", hclList(arn1), "3600"), true, update, w.ExpectNone(widened)),
	})
}

// chainConfig is the ECS delegation: in B the instance roles app (granted A's role ops) and other (granted
// only a role that does not exist); in A the role ops, trusting both of B's roles, with read access to RAM.
// withA and withB leave out either side, as destroying that side's half would.
func chainConfig(e *acctest.Env, withA, withB bool) string {
	cfg := e.ProviderConfig()
	if withB {
		cfg += fmt.Sprintf(`
resource "aliram_delegated_role" "app" {
  provider            = aliramb
  name                = "app"
  assumable_role_arns = [provider::aliram::role_arn(%[1]q, "ops")]
}

resource "aliram_delegated_role" "other" {
  provider            = aliramb
  name                = "other"
  assumable_role_arns = [provider::aliram::role_arn(%[1]q, "unrelated")]
}
`, e.A.ID)
	}
	if withA {
		trusted := "[aliram_delegated_role.app.arn, aliram_delegated_role.other.arn]"
		if !withB {
			trusted = fmt.Sprintf("[provider::aliram::role_arn(%[1]q, \"app\"), provider::aliram::role_arn(%[1]q, \"other\")]", e.B.ID)
		}
		cfg += fmt.Sprintf(`
resource "aliram_cross_account_role" "ops" {
  name                   = "ops"
  trusted_principal_arns = %s
}

resource "aliram_role_policy_attachment" "read" {
  role_name   = aliram_cross_account_role.ops.name
  policy_type = "System"
  policy_name = "AliyunRAMReadOnlyAccess"
}
`, trusted)
	}
	return cfg
}

// TestAccDelegatedRole_ecsChain proves the chain ECS instance -> B's role -> A's role end to end: an
// application holding only the instance role's credentials (from the metadata service, as the SDKs get them)
// assumes A's role and acts as it, within what A's role permits; an instance of B's role that was not granted
// A's role is refused; destroying A's half, then B's half, each revoke: AssumeRole fails afterwards and the
// credentials already handed out stop working.
func TestAccDelegatedRole_ecsChain(t *testing.T) {
	e := acctest.New(t)
	e.NeedsEmulator(t, "the ECS instance is simulated by the emulator; on real Alibaba Cloud run the application on an ECS instance")
	opsARN := acctest.RoleARN(e.A.ID, "ops")
	var app, other ramemu.ECSInstance
	var appKey, opsKey acctest.Key

	declare := func(*terraform.State) error {
		var err error
		if app, err = e.ECSInstance(t, "app"); err != nil {
			return err
		}
		other, err = e.ECSInstance(t, "other")
		return err
	}
	// The application: instance credentials, AssumeRole on A's role, then a call as A's role.
	actAsA := func(*terraform.State) error {
		var err error
		if appKey, err = acctest.InstanceKey(app); err != nil {
			return fmt.Errorf("instance credentials: %v", err)
		}
		if opsKey, err = e.AssumeRoleAfterGrant(t, appKey, opsARN, ""); err != nil {
			return fmt.Errorf("B's instance role assuming A's role: %v", err)
		}
		get := ram.CreateGetRoleRequest()
		get.RoleName = "ops"
		if _, err := e.RAMAs(t, opsKey).GetRole(get); err != nil {
			return fmt.Errorf("acting as A's role: %v", err)
		}
		// ...and only within what A's role permits.
		cu := ram.CreateCreateUserRequest()
		cu.UserName = "intruder"
		if _, err := e.RAMAs(t, opsKey).CreateUser(cu); err == nil || !strings.Contains(err.Error(), "NoPermission") {
			return fmt.Errorf("A's role (read-only) created a user: %v", err)
		}
		return nil
	}
	otherRefused := func(*terraform.State) error {
		k, err := acctest.InstanceKey(other)
		if err != nil {
			return fmt.Errorf("instance credentials of other: %v", err)
		}
		if _, err := e.AssumeRole(t, k, opsARN, ""); err == nil || !strings.Contains(err.Error(), "NoPermission") {
			return fmt.Errorf("B's role other, not granted A's role, assumed it: %v", err)
		}
		return nil
	}
	refused := func(key acctest.Key, code string) error {
		if _, err := e.AssumeRole(t, key, opsARN, ""); err == nil || !strings.Contains(err.Error(), code) {
			return fmt.Errorf("AssumeRole of A's role after revocation: want %s, got %v", code, err)
		}
		return nil
	}
	sessionDead := func(key acctest.Key, what string) error {
		get := ram.CreateGetRoleRequest()
		get.RoleName = "ops"
		if _, err := e.RAMAs(t, key).GetRole(get); err == nil || !strings.Contains(err.Error(), "InvalidSecurityToken.Expired") {
			return fmt.Errorf("%s still works after revocation: %v", what, err)
		}
		return nil
	}

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: chainConfig(e, true, true),
			Check:  resource.ComposeTestCheckFunc(declare, actAsA, otherRefused),
		},
		{
			// A destroys its half: B's application can no longer get in, and the session it had ends.
			Config: chainConfig(e, false, true),
			Check: func(*terraform.State) error {
				k, err := acctest.InstanceKey(app)
				if err != nil {
					return err
				}
				if err := refused(k, "EntityNotExist.Role"); err != nil {
					return err
				}
				return sessionDead(opsKey, "the session of A's deleted role")
			},
		},
		{
			Config: chainConfig(e, true, true),
			Check:  actAsA,
		},
		{
			// B destroys its half: the instance gets no credentials any more, and those it had stop working.
			Config: chainConfig(e, true, false),
			Check: func(*terraform.State) error {
				if _, err := acctest.InstanceKey(app); err == nil {
					return fmt.Errorf("the metadata service still hands out credentials of B's deleted role")
				}
				if err := refused(appKey, "InvalidSecurityToken.Expired"); err != nil {
					return err
				}
				return sessionDead(appKey, "the instance credentials of B's deleted role")
			},
		},
	})
}
