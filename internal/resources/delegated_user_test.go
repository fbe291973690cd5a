package resources_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
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

const userAddr = "aliram_delegated_user.test"

// roleInA creates a role in account A trusting account B (out of band, with the SDK) and removes it when the
// test ends; it returns the role's ARN.
func roleInA(t *testing.T, e *acctest.Env, name string) string {
	t.Helper()
	req := ram.CreateCreateRoleRequest()
	req.RoleName = name
	req.AssumeRolePolicyDocument = fmt.Sprintf(
		`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::%s:root"]}}],"Version":"1"}`, e.B.ID)
	if _, err := e.RAM(t, e.A).CreateRole(req); err != nil {
		t.Fatalf("creating role %s in account A: %v", name, err)
	}
	return acctest.RoleARN(e.A.ID, name)
}

// randomRoleInA is roleInA with a random name, for the tests that need some role of A to assume: it returns
// the role's name and ARN.
func randomRoleInA(t *testing.T, e *acctest.Env) (name, arn string) {
	t.Helper()
	name = acctest.RandomName("role")
	return name, roleInA(t, e, name)
}

func deleteRoleInA(t *testing.T, e *acctest.Env, name string) error {
	req := ram.CreateDeleteRoleRequest()
	req.RoleName = name
	_, err := e.RAM(t, e.A).DeleteRole(req)
	if err != nil && !strings.Contains(err.Error(), "EntityNotExist") {
		return err
	}
	return nil
}

// checkNothingLeftAfter deletes the out-of-band roles, then proves that destroy left nothing in either account.
func checkNothingLeftAfter(t *testing.T, e *acctest.Env, roles ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, r := range roles {
			if err := deleteRoleInA(t, e, r); err != nil {
				return err
			}
		}
		return e.CheckNothingLeft(t)(s)
	}
}

func attr(s *terraform.State, addr, key string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	v, ok := rs.Primary.Attributes[key]
	if !ok || v == "" {
		return "", fmt.Errorf("%s has no %s in state", addr, key)
	}
	return v, nil
}

// userKey returns the AccessKey a delegated user holds in state.
func userKey(s *terraform.State, addr string) (acctest.Key, error) {
	id, err := attr(s, addr, "programmatic_access.access_key_id")
	if err != nil {
		return acctest.Key{}, err
	}
	secret, err := attr(s, addr, "programmatic_access.access_key_secret")
	if err != nil {
		return acctest.Key{}, err
	}
	return acctest.Key{ID: id, Secret: secret}, nil
}

// checkCanAssume: the user's own AccessKey gets STS credentials for each role in can (once RAM has
// propagated the new key and grant, as a script run right after the apply would retry), and is refused for
// each role in cannot.
func checkCanAssume(t *testing.T, e *acctest.Env, addr string, can, cannot []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		key, err := userKey(s, addr)
		if err != nil {
			return err
		}
		for _, arn := range can {
			if _, err := e.AssumeRoleAfterGrant(t, key, arn, ""); err != nil {
				return fmt.Errorf("%s should be able to assume %s: %v", addr, arn, err)
			}
		}
		for _, arn := range cannot {
			if _, err := e.AssumeRole(t, key, arn, ""); err == nil {
				return fmt.Errorf("%s should NOT be able to assume %s", addr, arn)
			} else if !strings.Contains(err.Error(), "NoPermission") {
				return fmt.Errorf("%s assuming %s: expected NoPermission, got %v", addr, arn, err)
			}
		}
		return nil
	}
}

// managedPolicy reads a custom policy of account B with the SDK.
func managedPolicy(t *testing.T, e *acctest.Env, name string) (*ram.GetPolicyResponse, error) {
	req := ram.CreateGetPolicyRequest()
	req.PolicyName = name
	req.PolicyType = "Custom"
	return e.RAM(t, e.B).GetPolicy(req)
}

func checkPolicyVersion(t *testing.T, e *acctest.Env, name, version string, mustContain ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, err := managedPolicy(t, e, name)
		if err != nil {
			return fmt.Errorf("policy %s: %v", name, err)
		}
		if p.Policy.DefaultVersion != version {
			return fmt.Errorf("policy %s: default version %s, want %s", name, p.Policy.DefaultVersion, version)
		}
		for _, s := range mustContain {
			if !strings.Contains(p.DefaultPolicyVersion.PolicyDocument, s) {
				return fmt.Errorf("policy %s document %s does not name %s", name, p.DefaultPolicyVersion.PolicyDocument, s)
			}
		}
		return nil
	}
}

func checkPolicyGone(t *testing.T, e *acctest.Env, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, err := managedPolicy(t, e, name); err == nil {
			return fmt.Errorf("policy %s still exists", name)
		} else if !strings.Contains(err.Error(), "EntityNotExist") {
			return err
		}
		return nil
	}
}

func userPolicies(t *testing.T, e *acctest.Env, user string) ([]string, error) {
	return policiesOf(t, e, e.B, "user", user)
}

func checkUserPolicies(t *testing.T, e *acctest.Env, user string, want ...string) resource.TestCheckFunc {
	return checkPoliciesOf(t, e, e.B, "user", user, false, want...)
}

func hclList(items ...string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// TestAccDelegatedUser_programmaticAccess: an application user in B with an AccessKey and a managed
// least-privilege policy; it really assumes A's role, and only that role; the set of roles, the name and the
// policy mode change in place; import.
func TestAccDelegatedUser_programmaticAccess(t *testing.T) {
	e := acctest.New(t)
	role1, role2 := acctest.RandomName("role1"), acctest.RandomName("role2")
	arn1, arn2 := roleInA(t, e, role1), roleInA(t, e, role2)
	name := acctest.RandomName("app")
	renamed := name + "-renamed"
	sameUserID := statecheck.CompareValue(compare.ValuesSame())
	sameKey := statecheck.CompareValue(compare.ValuesSame())

	config := func(user, arns string) string {
		return delegatedUserHCL(e, user, fmt.Sprintf(`
  display_name        = "Kafka operator bot"
  comments            = "acceptance test"
  %s
  programmatic_access = {}
`, arns))
	}

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role1, role2), []resource.TestStep{
		{
			Config: config(name, "assumable_role_arns = "+hclList(arn1)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionCreate),
				// The plan says which policy grants sts:AssumeRole.
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact("AssumeRole-"+name)),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_type"), knownvalue.StringExact("Custom")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameUserID.AddStateValue(userAddr, tfjsonpath.New("user_id")),
				sameKey.AddStateValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("arn"), knownvalue.StringExact("acs:ram::"+e.B.ID+":user/"+name)),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("logon_name"), knownvalue.StringExact(name+"@"+aliasOrID(e)+".onaliyun.com")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Kafka operator bot")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret_encrypted"), knownvalue.Null()),
				statecheck.ExpectSensitiveValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login"), knownvalue.Null()),
				acctest.IfIdentity(statecheck.ExpectIdentity(userAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(e.B.ID), "name": knownvalue.StringExact(name)})),
			},
			Check: resource.ComposeTestCheckFunc(
				checkUserPolicies(t, e, name, "Custom:AssumeRole-"+name),
				checkPolicyVersion(t, e, "AssumeRole-"+name, "v1", role1),
				// Least privilege: the role named, and no other.
				checkCanAssume(t, e, userAddr, []string{arn1}, []string{arn2}),
			),
		},
		{
			// Nothing changed: the second plan is empty.
			Config: config(name, "assumable_role_arns = "+hclList(arn1)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
		{
			// A second role: a new default version of the managed policy, in place.
			Config: config(name, "assumable_role_arns = "+hclList(arn1, arn2)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameUserID.AddStateValue(userAddr, tfjsonpath.New("user_id")),
				sameKey.AddStateValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkPolicyVersion(t, e, "AssumeRole-"+name, "v2", role1, role2),
				checkCanAssume(t, e, userAddr, []string{arn1, arn2}, nil),
			),
		},
		{
			// Rename in place: same user ID, same AccessKey, policy follows the new name.
			Config: config(renamed, "assumable_role_arns = "+hclList(arn2)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("arn"), knownvalue.StringExact("acs:ram::"+e.B.ID+":user/"+renamed)),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact("AssumeRole-"+renamed)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameUserID.AddStateValue(userAddr, tfjsonpath.New("user_id")),
				sameKey.AddStateValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("logon_name"), knownvalue.StringExact(renamed+"@"+aliasOrID(e)+".onaliyun.com")),
				// The identity follows the rename.
				acctest.IfIdentity(statecheck.ExpectIdentity(userAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(e.B.ID), "name": knownvalue.StringExact(renamed)})),
			},
			Check: resource.ComposeTestCheckFunc(
				checkUserPolicies(t, e, renamed, "Custom:AssumeRole-"+renamed),
				checkPolicyGone(t, e, "AssumeRole-"+name),
				checkCanAssume(t, e, userAddr, []string{arn2}, []string{arn1}),
			),
		},
		{
			// Import by user name; the secret cannot be imported.
			ResourceName:            userAddr,
			ImportState:             true,
			ImportStateId:           renamed,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"programmatic_access.access_key_secret"},
		},
		// Import block by identity (the new name): the imported user plans no change.
		importByIdentity(userAddr),
		{
			// No roles listed: the system policy instead (attached first, then the managed one removed).
			Config: config(renamed, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact("AliyunSTSAssumeRoleAccess")),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_type"), knownvalue.StringExact("System")),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkUserPolicies(t, e, renamed, "System:AliyunSTSAssumeRoleAccess"),
				checkPolicyGone(t, e, "AssumeRole-"+renamed),
				checkCanAssume(t, e, userAddr, []string{arn1, arn2}, nil),
			),
		},
		{
			ResourceName:            userAddr,
			ImportState:             true,
			ImportStateId:           renamed,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"programmatic_access.access_key_secret"},
		},
		{
			// And back to a managed policy, in place.
			Config: config(renamed, "assumable_role_arns = "+hclList(arn1)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkUserPolicies(t, e, renamed, "Custom:AssumeRole-"+renamed),
				checkCanAssume(t, e, userAddr, []string{arn1}, []string{arn2}),
			),
		},
	})
}

// aliasOrID is what logon names use: B's alias, or its ID when it has none (real accounts in real mode).
func aliasOrID(e *acctest.Env) string {
	if e.B.Alias != "" {
		return e.B.Alias
	}
	return e.B.ID
}

// TestAccDelegatedUser_consoleLogin: a person in B with a console password and the system policy, as the
// seeds do; password and flags change in place and are really sent; removing console_login deletes the
// login profile.
func TestAccDelegatedUser_consoleLogin(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("alice")
	config := func(password string, mfa bool, withLogin bool) string {
		login := ""
		if withLogin {
			login = fmt.Sprintf(`console_login = {
    password          = %q
    mfa_bind_required = %t
  }`, password, mfa)
		}
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  email        = "alice@example.com"
  mobile_phone = "86-18600000000"
  %s
`, login))
	}

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: config("Initial-Passw0rd", false, true),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact("AliyunSTSAssumeRoleAccess")),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_type"), knownvalue.StringExact("System")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password_reset_required"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("mfa_bind_required"), knownvalue.Bool(false)),
				statecheck.ExpectSensitiveValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access"), knownvalue.Null()),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("email"), knownvalue.StringExact("alice@example.com")),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("logon_name"), knownvalue.StringExact(name+"@"+aliasOrID(e)+".onaliyun.com")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkUserPolicies(t, e, name, "System:AliyunSTSAssumeRoleAccess"),
				checkLoginProfile(t, e, name, true, true, false),
			),
		},
		{
			ResourceName:            userAddr,
			ImportState:             true,
			ImportStateId:           name,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"console_login.password"},
		},
		{
			// A new password is really sent.
			PreConfig: e.ResetCalls,
			Config:    config("Second-Passw0rd", false, true),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 1, "Ram.CreateLoginProfile": 0}),
		},
		{
			// A flag alone is updated without touching the password.
			PreConfig: e.ResetCalls,
			Config:    config("Second-Passw0rd", true, true),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 1}),
				checkLoginProfile(t, e, name, true, true, true),
			),
		},
		{
			// Removing console_login deletes the login profile.
			Config: config("", false, false),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkLoginProfile(t, e, name, false, false, false),
		},
	})
}

func checkLoginProfile(t *testing.T, e *acctest.Env, user string, exists, reset, mfa bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		req := ram.CreateGetLoginProfileRequest()
		req.UserName = user
		resp, err := e.RAM(t, e.B).GetLoginProfile(req)
		if !exists {
			if err == nil {
				return fmt.Errorf("user %s still has a login profile", user)
			}
			if !strings.Contains(err.Error(), "EntityNotExist") {
				return err
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("login profile of %s: %v", user, err)
		}
		if resp.LoginProfile.PasswordResetRequired != reset || resp.LoginProfile.MFABindRequired != mfa {
			return fmt.Errorf("login profile of %s: reset=%t mfa=%t, want reset=%t mfa=%t", user,
				resp.LoginProfile.PasswordResetRequired, resp.LoginProfile.MFABindRequired, reset, mfa)
		}
		return nil
	}
}

// checkCalls asserts the emulator's call counters since the last reset (skipped on real Alibaba Cloud).
func checkCalls(e *acctest.Env, want map[string]int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		calls := e.Calls()
		if calls == nil {
			return nil
		}
		for action, n := range want {
			if calls[action] != n {
				return fmt.Errorf("%s was called %d times, want %d (all calls: %v)", action, calls[action], n, calls)
			}
		}
		return nil
	}
}

// TestAccDelegatedUser_writeOnlyPassword: password_wo never reaches plan or state; bumping
// password_wo_version sends the new one.
func TestAccDelegatedUser_writeOnlyPassword(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("bob")
	config := func(password string, version int) string {
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  console_login = {
    password_wo             = %q
    password_wo_version     = %d
    password_reset_required = false
  }
`, password, version))
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			PreConfig: e.ResetCalls,
			Config:    config("WriteOnly-Passw0rd", 1),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password"), knownvalue.Null()),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password_wo_version"), knownvalue.Int64Exact(1)),
			},
			Check: resource.ComposeTestCheckFunc(
				checkCalls(e, map[string]int64{"Ram.CreateLoginProfile": 1}),
				checkLoginProfile(t, e, name, true, false, false),
				checkStateHasNo(userAddr, "WriteOnly-Passw0rd"),
			),
		},
		{
			// A new password without a new version is not sent (and not even seen in the plan).
			Config: config("Ignored-Passw0rd", 1),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
		{
			PreConfig: e.ResetCalls,
			Config:    config("Rotated-Passw0rd", 2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 1}),
				checkStateHasNo(userAddr, "Rotated-Passw0rd"),
			),
		},
	})
}

// checkStateHasNo fails if any attribute of addr holds the secret.
func checkStateHasNo(addr, secret string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		for k, v := range rs.Primary.Attributes {
			if strings.Contains(v, secret) {
				return fmt.Errorf("state attribute %s holds the write-only password", k)
			}
		}
		return nil
	}
}

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

// TestAccDelegatedUser_drift: out-of-band changes are detected at refresh and repaired by the next apply;
// an AccessKey added by hand is removed at destroy (CheckDestroy proves B is empty).
func TestAccDelegatedUser_drift(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("drift")
	policyName := "AssumeRole-" + name
	config := delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  console_login = {
    password = "Drift-Passw0rd"
  }
  programmatic_access = {}
`, arn))

	var firstKey string
	rememberKey := func(s *terraform.State) error {
		var err error
		firstKey, err = attr(s, userAddr, "programmatic_access.access_key_id")
		return err
	}
	keyChanged := func(s *terraform.State) error {
		k, err := attr(s, userAddr, "programmatic_access.access_key_id")
		if err != nil {
			return err
		}
		if k == firstKey {
			return fmt.Errorf("the AccessKey deleted out of band was not replaced")
		}
		return nil
	}
	b := func() outOfBand { return byHand(t, e, e.B) }

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{
			Config: config,
			Check:  resource.ComposeTestCheckFunc(rememberKey, checkCanAssume(t, e, userAddr, []string{arn}, nil)),
		},
		{
			// Someone deletes the login profile and the AccessKey, detaches the managed policy, and adds a
			// key of their own.
			PreConfig: func() {
				lp := ram.CreateDeleteLoginProfileRequest()
				lp.UserName = name
				mustSDK(t, "DeleteLoginProfile")(b().c.DeleteLoginProfile(lp))
				b().deleteAccessKey(name, firstKey)
				b().detachFromUser(name, "Custom", policyName)
				b().createAccessKey(name)
			},
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			// The refreshed state shows all three gone...
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckNoResourceAttr(userAddr, "console_login.password_reset_required"),
				resource.TestCheckNoResourceAttr(userAddr, "programmatic_access.access_key_id"),
				resource.TestCheckNoResourceAttr(userAddr, "assume_role_policy_name"),
			),
			// ...and the plan puts them back, in place.
			RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
		},
		{
			// The next apply repairs all three in place.
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact(policyName)),
				plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
			}},
			Check: resource.ComposeTestCheckFunc(
				keyChanged,
				checkLoginProfile(t, e, name, true, true, false),
				checkUserPolicies(t, e, name, "Custom:"+policyName),
				checkCanAssume(t, e, userAddr, []string{arn}, nil),
			),
		},
		{
			// Someone writes a new version of the managed policy that allows every role: detected, and
			// the next apply writes the configured document again.
			PreConfig: func() {
				req := ram.CreateCreatePolicyVersionRequest()
				req.PolicyName = policyName
				req.PolicyDocument = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
				req.SetAsDefault = "true"
				mustSDK(t, "CreatePolicyVersion")(b().c.CreatePolicyVersion(req))
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkPolicyVersion(t, e, policyName, "v3", arn),
		},
		{
			// Someone deletes the whole user: it is created again.
			PreConfig: func() { deleteUserOutOfBand(t, e, name) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionCreate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkLoginProfile(t, e, name, true, true, false),
				checkUserPolicies(t, e, name, "Custom:"+policyName),
				checkCanAssume(t, e, userAddr, []string{arn}, nil),
			),
		},
		{
			// A key added by hand is drift too (the resource owns the whole user, see
			// TestAccDelegatedUser_exclusive): the plan removes it and keeps the user's own key.
			PreConfig: func() { b().createAccessKey(name) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkHoldings(t, e, name, "keys=1 login=true groups=[] policies=[Custom:"+policyName+"]"),
				checkCanAssume(t, e, userAddr, []string{arn}, nil),
			),
		},
	})
}

func mustSDK(t *testing.T, what string) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s (out of band): %v", what, err)
		}
	}
}

// deleteUserOutOfBand removes a user the way an administrator would in the console: keys, login profile,
// policies, then the user. The managed policy itself is left behind.
func deleteUserOutOfBand(t *testing.T, e *acctest.Env, name string) {
	deleteUserOutOfBandAfter(t, e, name, 0)
}

// deleteUserOutOfBandAfter is deleteUserOutOfBand against an emulator with a consistency delay lag, for which
// DeleteUser still sees the detached policies: it waits lag between the detaches and the delete.
func deleteUserOutOfBandAfter(t *testing.T, e *acctest.Env, name string, lag time.Duration) {
	b := byHand(t, e, e.B)
	c := b.c
	lk := ram.CreateListAccessKeysRequest()
	lk.UserName = name
	keys, err := c.ListAccessKeys(lk)
	mustSDK(t, "ListAccessKeys")(keys, err)
	for _, k := range keys.AccessKeys.AccessKey {
		b.deleteAccessKey(name, k.AccessKeyId)
	}
	lp := ram.CreateDeleteLoginProfileRequest()
	lp.UserName = name
	if _, err := c.DeleteLoginProfile(lp); err != nil && !strings.Contains(err.Error(), "EntityNotExist") {
		t.Fatalf("DeleteLoginProfile (out of band): %v", err)
	}
	pols, err := userPolicies(t, e, name)
	mustSDK(t, "ListPoliciesForUser")(pols, err)
	for _, p := range pols {
		typ, pname, _ := strings.Cut(p, ":")
		b.detachFromUser(name, typ, pname)
	}
	time.Sleep(lag)
	du := ram.CreateDeleteUserRequest()
	du.UserName = name
	mustSDK(t, "DeleteUser")(c.DeleteUser(du))
}

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
	role, arn := randomRoleInA(t, e)
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

// TestAccDelegatedUser_pgpKey: with pgp_key the secret is stored only encrypted; decrypted, it works.
func TestAccDelegatedUser_pgpKey(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("pgp")
	entity, armored := newPGPKey(t)
	config := func(key string) string {
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {
    pgp_key = <<-EOT
%s
EOT
  }
`, arn, key))
	}
	var firstKey string
	decryptAndAssume := func(s *terraform.State) error {
		key, err := stateKey(s, entity)
		if err != nil {
			return err
		}
		if _, err := e.AssumeRole(t, key, arn, ""); err != nil {
			return fmt.Errorf("the decrypted secret does not work: %v", err)
		}
		firstKey = key.ID
		return nil
	}
	_, otherArmored := newPGPKey(t)

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{
			Config: config(armored),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret"), knownvalue.Null()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret"), knownvalue.Null()),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret_encrypted"), knownvalue.NotNull()),
			},
			Check: decryptAndAssume,
		},
		{
			// Another key cannot re-encrypt an existing secret: the AccessKey is replaced, in place.
			Config: config(otherArmored),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
			}},
			Check: func(s *terraform.State) error {
				id, err := attr(s, userAddr, "programmatic_access.access_key_id")
				if err != nil {
					return err
				}
				if id == firstKey {
					return fmt.Errorf("the AccessKey was not replaced")
				}
				return checkKeys(t, e, name, id)
			},
		},
	})
}

// checkKeys asserts the user holds exactly these AccessKeys.
func checkKeys(t *testing.T, e *acctest.Env, user string, ids ...string) error {
	req := ram.CreateListAccessKeysRequest()
	req.UserName = user
	resp, err := e.RAM(t, e.B).ListAccessKeys(req)
	if err != nil {
		return err
	}
	var got []string
	for _, k := range resp.AccessKeys.AccessKey {
		got = append(got, k.AccessKeyId)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		return fmt.Errorf("user %s holds AccessKeys %v, want %v", user, got, ids)
	}
	return nil
}

func newPGPKey(t *testing.T) (*openpgp.Entity, string) {
	t.Helper()
	entity, err := openpgp.NewEntity("acctest", "", "acctest@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := entity.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return entity, buf.String()
}

// TestAccDelegatedUser_badInput: every bad value fails at plan, names the attribute, and no API call is made.
func TestAccDelegatedUser_badInput(t *testing.T) {
	e := acctest.New(t)
	config := func(body string) string {
		return e.SeparateProviderConfig() + fmt.Sprintf(`
resource "aliram_delegated_user" "test" {
  provider = aliramb
  %s
}
`, body)
	}
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: config(body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	e.ResetCalls()
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), nil, []resource.TestStep{
		step(`name = "bad name!"`, `(?s)name.*user name`),
		step(`name = ""`, `(?s)name.*1 to 64`),
		step(`name = "`+strings.Repeat("x", 65)+`"`, `(?s)name.*1 to 64`),
		step(`
  name                = "ok"
  assumable_role_arns = ["acs:ram::1000000000000001:user/alice"]`, `(?s)assumable_role_arns.*not a role ARN`),
		step(`
  name                = "ok"
  assumable_role_arns = ["arn:aws:iam::123456789012:role/x"]`, `(?s)assumable_role_arns.*not a role ARN`),
		step(`
  name          = "ok"
  console_login = { password = "short" }`, `(?s)console_login.password.*between 8 and 32`),
		step(`
  name          = "ok"
  console_login = { password_wo = "short", password_wo_version = 1 }`, `(?s)console_login.password_wo.*between 8 and 32`),
		step(`
  name          = "ok"
  console_login = {}`, `(?s)console_login.*password`),
		step(`
  name          = "ok"
  console_login = { password = "Long-Enough-1", password_wo = "Long-Enough-2", password_wo_version = 1 }`, `(?s)console_login.*password`),
		step(`
  name                = "ok"
  programmatic_access = { pgp_key = "not a key" }`, `(?s)programmatic_access.pgp_key.*OpenPGP public key`),
		step(`
  name                = "ok"
  programmatic_access = { pgp_key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm9wZQ==\n-----END PGP PUBLIC KEY BLOCK-----" }`, `(?s)programmatic_access.pgp_key.*OpenPGP public key`),
		step(`
  name  = "ok"
  email = "not-an-email"`, `(?s)email.*email address`),
		step(`
  name         = "ok"
  mobile_phone = "18600000000"`, `(?s)mobile_phone.*country code`),
		step(`
  name         = "ok"
  display_name = "`+strings.Repeat("d", 129)+`"`, `(?s)display_name.*between 1 and 128`),
	})
	e.AssertNoAPICalls(t)
}

// TestAccDelegatedUser_bothAccessModes: allowed, with a warning; a user may hold both.
func TestAccDelegatedUser_bothAccessModes(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("both")
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: delegatedUserHCL(e, name, `
  console_login       = { password = "Both-Modes-Passw0rd" }
  programmatic_access = {}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password_reset_required"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id"), knownvalue.NotNull()),
			},
		},
		{
			// Removing the AccessKey deletes it (and only it).
			Config: delegatedUserHCL(e, name, `
  console_login = { password = "Both-Modes-Passw0rd" }
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error { return checkKeys(t, e, name) },
				checkLoginProfile(t, e, name, true, true, false),
			),
		},
	})
}

// TestAccDelegatedUser_twoAccountDelegation applies the whole delegation in one configuration: A's role (with
// what it may do) and B's users allowed to assume it. Users come and go one at a time; the role set changes in
// place; destroy leaves nothing in either account.
func TestAccDelegatedUser_twoAccountDelegation(t *testing.T) {
	e := acctest.New(t)
	roleName, role2Name := acctest.RandomName("kafka-ops"), acctest.RandomName("mq-ops")
	arn, arn2 := acctest.RoleARN(e.A.ID, roleName), acctest.RoleARN(e.A.ID, role2Name)
	u1, u2, u3 := acctest.RandomName("u1"), acctest.RandomName("u2"), acctest.RandomName("u3")
	outsider := acctest.RandomName("outsider")
	outsiderKey := userInB(t, e, outsider, false)
	// One block per user (the test harness's state shim does not support for_each keys).
	label := map[string]string{u1: "u1", u2: "u2", u3: "u3"}
	addr := func(u string) string { return "aliram_delegated_user." + label[u] }

	config := func(roles string, users ...string) string {
		return e.SeparateProviderConfig() + roleHCL("kafka", roleName, e.B.ID, "force_detach_policies = true") +
			roleHCL("mq", role2Name, e.B.ID, "force_detach_policies = true") +
			attachmentHCL("kafka", "kafka", "System", `"AliyunKafkaFullAccess"`) + usersHCL(roles, users, label)
	}
	oneRole := "[aliram_cross_account_role.kafka.arn]"
	twoRoles := "[aliram_cross_account_role.kafka.arn, aliram_cross_account_role.mq.arn]"
	canAssume := func(users []string, can, cannot []string) resource.TestCheckFunc {
		var fs []resource.TestCheckFunc
		for _, u := range users {
			fs = append(fs, checkCanAssume(t, e, addr(u), can, cannot))
		}
		return resource.ComposeTestCheckFunc(fs...)
	}
	outsiderRefused := func(*terraform.State) error {
		_, err := e.AssumeRole(t, outsiderKey, arn, "")
		if err == nil || !strings.Contains(err.Error(), "NoPermission") {
			return fmt.Errorf("a B user outside the delegation should get NoPermission, got %v", err)
		}
		return nil
	}
	var u2Key acctest.Key
	rememberU2 := func(s *terraform.State) error {
		var err error
		u2Key, err = userKey(s, addr(u2))
		return err
	}
	u2Revoked := func(*terraform.State) error {
		if _, err := e.AssumeRole(t, u2Key, arn, ""); err == nil {
			return fmt.Errorf("the removed user's AccessKey can still assume the role")
		}
		return nil
	}

	checkDestroy := func(s *terraform.State) error {
		deleteUserOutOfBand(t, e, outsider)
		return e.CheckNothingLeft(t)(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkDestroy, []resource.TestStep{
		{
			Config: config(oneRole, u1, u2),
			Check: resource.ComposeTestCheckFunc(
				canAssume([]string{u1, u2}, []string{arn}, []string{arn2}),
				outsiderRefused,
				rememberU2,
			),
		},
		{
			Config: config(oneRole, u1, u2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
		{
			// Adding a user creates only that user.
			Config: config(oneRole, u1, u2, u3),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr(u3), plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(addr(u1), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(addr(u2), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction("aliram_cross_account_role.kafka", plancheck.ResourceActionNoop),
			}},
			Check: canAssume([]string{u3}, []string{arn}, nil),
		},
		{
			// Removing one destroys only that user, and its key no longer gets in.
			Config: config(oneRole, u1, u3),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr(u2), plancheck.ResourceActionDestroy),
				plancheck.ExpectResourceAction(addr(u1), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(addr(u3), plancheck.ResourceActionNoop),
			}},
			Check: resource.ComposeTestCheckFunc(u2Revoked, canAssume([]string{u1, u3}, []string{arn}, nil)),
		},
		{
			// A second role: each user's managed policy gets a new version, in place.
			Config: config(twoRoles, u1, u3),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr(u1), plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(addr(u3), plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkPolicyVersion(t, e, "AssumeRole-"+u1, "v2", roleName, role2Name),
				canAssume([]string{u1, u3}, []string{arn, arn2}, nil),
			),
		},
	})
}

func usersHCL(roles string, users []string, label map[string]string) string {
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, `
resource "aliram_delegated_user" %q {
  provider            = aliramb
  name                = %q
  assumable_role_arns = %s
  programmatic_access = {}
}
`, label[u], u, roles)
	}
	return b.String()
}

// TestAccDelegatedUser_failedCreate: when creation fails half-way (RAM rejects the password after the user
// exists), the user is kept in state as tainted, and the next apply replaces it cleanly.
func TestAccDelegatedUser_failedCreate(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("half")
	config := func(password string) string {
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  console_login = { password = %q }
`, password))
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			// Long enough for plan-time validation, but RAM's password policy refuses the spaces.
			Config:      config("not accepted by ram"),
			ExpectError: regexp.MustCompile(`(?s)Password.TooWeak.*password policy`),
		},
		{
			PreConfig: func() {
				if _, err := userPolicies(t, e, name); err != nil {
					t.Errorf("the half-created user should exist until the next apply: %v", err)
				}
			},
			Config: config("Accepted-Passw0rd"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionReplace),
			}},
			Check: checkLoginProfile(t, e, name, true, true, false),
		},
	})
}

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

// TestAccDelegatedUser_refreshCost: with exclusive = false a refresh reads the user, its policies and (only
// because programmatic access is managed) its keys; the managed policy's document only when its default
// version changed, the login profile only when console login is managed, and never the account alias. By
// default (exclusive) it also reads the login profile and the groups, to see what the user holds outside its
// configuration: 2 calls more, no more.
func TestAccDelegatedUser_refreshCost(t *testing.T) {
	e := acctest.New(t)
	e.NeedsEmulator(t, "call counts come from the emulator")
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("cheap")
	config := func(exclusive string) string {
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {}
  %s
`, arn, exclusive))
	}
	cost := func(exclusive bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			calls := e.Calls()
			n := calls["Ram.GetUser"]
			if n < 1 || n > 2 {
				return fmt.Errorf("GetUser called %d times for the refresh: %v", n, calls)
			}
			want := map[string]int64{"Ram.GetUser": n, "Ram.ListPoliciesForUser": n, "Ram.ListAccessKeys": n}
			// The account ID of the resource identity: one GetCallerIdentity per provider block and command.
			if calls["Sts.GetCallerIdentity"] <= 1 {
				want["Sts.GetCallerIdentity"] = calls["Sts.GetCallerIdentity"]
			}
			if exclusive {
				want["Ram.GetLoginProfile"], want["Ram.ListGroupsForUser"] = n, n
			}
			for action, c := range calls {
				if c != want[action] {
					return fmt.Errorf("refresh called %s %d times, want %d (all calls: %v)", action, c, want[action], calls)
				}
			}
			return nil
		}
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{Config: config("exclusive = false")},
		{PreConfig: e.ResetCalls, RefreshState: true, Check: cost(false)},
		{Config: config("")},
		{PreConfig: e.ResetCalls, RefreshState: true, Check: cost(true)},
	})
}
