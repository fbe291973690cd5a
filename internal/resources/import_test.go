package resources_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// Import round trips of every resource, each import followed by an empty plan: an import block with the
// value of the resource's own id attribute, one with the identity the CLI stored (account_id and name), one
// with an identity that leaves account_id out (it defaults to the block's account), tofu import with the id,
// and an identity naming the other account, refused.

// importBlock renders an import block for addr with an identity of the given attributes.
func importBlock(addr string, identity map[string]string) string {
	keys := make([]string, 0, len(identity))
	for k := range identity {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "\nimport {\n  to = %s\n  identity = {\n", addr)
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s = %q\n", k, identity[k])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// withAccount is identity with account_id set.
func withAccount(identity map[string]string, account string) map[string]string {
	out := map[string]string{"account_id": account}
	for k, v := range identity {
		out[k] = v
	}
	return out
}

// identityCheck checks the identity a resource must have after apply: account_id and identity.
func identityCheck(addr, account string, identity map[string]string) statecheck.StateCheck {
	want := map[string]knownvalue.Check{}
	for k, v := range withAccount(identity, account) {
		want[k] = knownvalue.StringExact(v)
	}
	return acctest.IfIdentity(statecheck.ExpectIdentity(addr, want))
}

// importSteps are the import steps for addr, whose configuration is config, in account (identity: the
// attributes beside account_id); other is the other test account; providers are the extra provider names.
func importSteps(config, addr, account, other string, identity map[string]string, providers []string, verifyIgnore ...string) []resource.TestStep {
	empty := resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	return []resource.TestStep{
		{
			// An import block with the value of the resource's id attribute (the harness's default ID).
			ResourceName:     addr,
			ImportState:      true,
			ImportStateKind:  resource.ImportBlockWithID,
			ImportPlanChecks: empty,
		},
		{
			// An import block with the identity the CLI stored, account_id included.
			ResourceName:     addr,
			ImportState:      true,
			ImportStateKind:  resource.ImportBlockWithResourceIdentity,
			ImportPlanChecks: empty,
			SkipFunc:         acctest.WithoutIdentity,
		},
		{
			// account_id left out: the block's own account.
			ResourceName:           addr,
			ImportState:            true,
			ImportStateKind:        resource.ImportBlockWithResourceIdentity,
			ImportStateConfigExact: true,
			Config:                 acctest.RequiredProviders(providers...) + config + importBlock(addr, identity),
			ImportPlanChecks:       empty,
			SkipFunc:               acctest.WithoutIdentity,
		},
		{
			// tofu import with the id attribute's value; the state read back is the applied one.
			ResourceName:            addr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: verifyIgnore,
		},
		{
			// The other account's ID: refused, naming both accounts.
			ResourceName:           addr,
			ImportState:            true,
			ImportStateKind:        resource.ImportBlockWithResourceIdentity,
			ImportStateConfigExact: true,
			Config:                 acctest.RequiredProviders(providers...) + config + importBlock(addr, withAccount(identity, other)),
			ExpectError: wrapRe(fmt.Sprintf(`Import identity names another account .*account_id is %s, but this %s's provider block has the credentials of account %s`,
				other, strings.SplitN(addr, ".", 2)[0], account)),
			SkipFunc: acctest.WithoutIdentity,
		},
	}
}

// importByIdentity is the step that imports addr with an import block naming its resource identity (skipped
// with a CLI that has no identities).
func importByIdentity(addr string) resource.TestStep {
	return resource.TestStep{
		ResourceName:    addr,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithResourceIdentity,
		SkipFunc:        acctest.WithoutIdentity,
	}
}

// importTest applies config (one resource at addr in account), then runs importSteps; after the destroy,
// nothing is left in either account.
func importTest(t *testing.T, e *acctest.Env, config, addr, account string, identity map[string]string, factories []string,
	verifyIgnore ...string) resource.TestCase {
	t.Helper()
	other := e.B.ID
	if account == e.B.ID {
		other = e.A.ID
	}
	tc := resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckNothingLeft(t),
		Steps: append([]resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{identityCheck(addr, account, identity)},
		}}, importSteps(config, addr, account, other, identity, factories, verifyIgnore...)...),
	}
	if len(factories) > 0 {
		tc.ProtoV6ProviderFactories = acctest.FactoriesWith(factories...)
	}
	return tc
}

func TestAccImport_crossAccountRoleTyped(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("imp-typed")
	config := roleConfig(e, name, fmt.Sprintf(`
  trusted_account_ids = [%q]
  external_id         = "contract-0042"
  valid_until         = "2099-06-30T23:59:59Z"
  description         = "Enterprise B operates our Kafka instances"
  tags                = { contract = "0042" }
`, e.B.ID))
	resource.Test(t, importTest(t, e, config, roleAddr, e.A.ID, map[string]string{"name": name}, nil))
}

// A trust document configured raw, although the typed arguments could express it: the import must not turn
// it into typed arguments the configuration does not have.
func TestAccImport_crossAccountRoleRaw(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("imp-raw")
	rawConfig := func(externalID string) string {
		return roleConfig(e, name, fmt.Sprintf(`
  assume_role_policy = jsonencode({
    Version   = "1"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { RAM = ["acs:ram::%s:root"] }
      Condition = { StringEquals = { "sts:ExternalId" = %q } }
    }]
  })
  max_session_duration = 7200
`, e.B.ID, externalID))
	}
	config := rawConfig("contract-0042")
	// tofu import records the document as the typed arguments too (it cannot see the configuration); the
	// plan keeps them, since they build the configured document.
	tc := importTest(t, e, config, roleAddr, e.A.ID, map[string]string{"name": name}, nil, "trusted_account_ids", "external_id")
	typedInState := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(roleAddr, tfjsonPath("trusted_account_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(e.B.ID)})),
		statecheck.ExpectKnownValue(roleAddr, tfjsonPath("external_id"), knownvalue.StringExact("contract-0042")),
	}
	tc.Steps = append(tc.Steps,
		resource.TestStep{
			// Forget the role (it stays in RAM), then import it in this state with an import block applied.
			Config: providerA(e) + "\nremoved {\n  from = " + roleAddr + "\n  lifecycle {\n    destroy = false\n  }\n}\n",
		},
		resource.TestStep{
			Config: config + "\nimport {\n  to = " + roleAddr + "\n  id = \"" + name + "\"\n}\n",
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionNoop)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: typedInState,
		},
		resource.TestStep{
			// Another raw document: the recorded typed arguments no longer build it and are dropped.
			Config: rawConfig("contract-0043"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(roleAddr, tfjsonPath("trusted_account_ids"), knownvalue.Null()),
				plancheck.ExpectKnownValue(roleAddr, tfjsonPath("external_id"), knownvalue.Null()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleAddr, tfjsonPath("trusted_account_ids"), knownvalue.Null()),
			},
			Check: func(*terraform.State) error {
				role, err := byHand(t, e, e.A).getRole(name)
				if err != nil {
					return err
				}
				if !strings.Contains(role.Role.AssumeRolePolicyDocument, "contract-0043") {
					return fmt.Errorf("trust policy in RAM: %s, want the external ID contract-0043", role.Role.AssumeRolePolicyDocument)
				}
				return nil
			},
		},
	)
	resource.Test(t, tc)
}

// A raw trust document no typed argument can express (two statements) imports as itself.
func TestAccImport_crossAccountRoleRawOnly(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("imp-rawonly")
	config := roleConfig(e, name, fmt.Sprintf(`
  assume_role_policy = jsonencode({
    Version   = "1"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { RAM = ["acs:ram::%s:root"] } },
      { Effect = "Deny", Action = "sts:AssumeRole", Principal = { RAM = ["acs:ram::%s:user/intern"] } },
    ]
  })
`, e.B.ID, e.B.ID))
	resource.Test(t, importTest(t, e, config, roleAddr, e.A.ID, map[string]string{"name": name}, nil))
}

func TestAccImport_policy(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("imp-pol")
	config := providerA(e) + policyHCL("test", name, allowHCL("alikafka:ListTopic", "*"),
		`description = "Kafka topics of enterprise B"`, `tags = { team = "kafka" }`)
	resource.Test(t, importTest(t, e, config, "aliram_policy.test", e.A.ID, map[string]string{"name": name}, nil))
}

// attachmentsConfig is a role with a custom policy attached, and the role's exclusive set.
func attachmentsConfig(e *acctest.Env, role, pol string) string {
	return providerA(e) + roleHCL("test", role, e.B.ID) + policyHCL("test", pol, allowHCL("alikafka:ListTopic", "*")) + attachmentHCL("test", "test", "Custom", "aliram_policy.test.name") + `
resource "aliram_role_policy_attachments_exclusive" "test" {
  role_name       = aliram_cross_account_role.test.name
  system_policies = ["AliyunKafkaReadOnlyAccess"]
  custom_policies = [aliram_role_policy_attachment.test.policy_name]
}
`
}

func TestAccImport_rolePolicyAttachment(t *testing.T) {
	e := acctest.New(t)
	role, pol := acctest.RandomName("imp-att"), acctest.RandomName("imp-att-pol")
	resource.Test(t, importTest(t, e, attachmentsConfig(e, role, pol), "aliram_role_policy_attachment.test", e.A.ID,
		map[string]string{"role_name": role, "policy_type": "Custom", "policy_name": pol}, nil))
}

func TestAccImport_rolePolicyAttachmentsExclusive(t *testing.T) {
	e := acctest.New(t)
	role, pol := acctest.RandomName("imp-exc"), acctest.RandomName("imp-exc-pol")
	resource.Test(t, importTest(t, e, attachmentsConfig(e, role, pol), "aliram_role_policy_attachments_exclusive.test", e.A.ID,
		map[string]string{"role_name": role}, nil))
}

// A delegated user holding everything this resource manages bar a password: its managed policy, an
// AccessKey, profile fields. The id (the user ID) and the name both import it; the secret cannot be read.
func TestAccImport_delegatedUser(t *testing.T) {
	e := acctest.New(t)
	role := acctest.RandomName("imp-user-role")
	arn := roleInA(t, e, role)
	name := acctest.RandomName("imp-bot")
	config := delegatedUserHCL(e, name, fmt.Sprintf(`
  display_name        = "Kafka bot"
  email               = "bot@example.com"
  comments            = "orders pipeline"
  assumable_role_arns = [%q]
  programmatic_access = {}
`, arn))
	tc := importTest(t, e, config, userAddr, e.B.ID, map[string]string{"name": name}, []string{"aliramb"},
		"programmatic_access.access_key_secret")
	tc.CheckDestroy = checkNothingLeftAfter(t, e, role)
	// The user name is an import ID too, as before.
	tc.Steps = append(tc.Steps, resource.TestStep{
		ResourceName:     userAddr,
		ImportState:      true,
		ImportStateKind:  resource.ImportBlockWithID,
		ImportStateId:    name,
		ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	})
	resource.Test(t, tc)
}

// A console user with the system policy (no assumable_role_arns) and both login flags set against their
// defaults: the login profile and the flags are read back. Only the password cannot be: the first plan after
// an import sends the configured one (password_wo_version goes from null to 1), and nothing else.
func TestAccImport_delegatedUserConsole(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("imp-alice")
	config := delegatedUserHCL(e, name, `
  mobile_phone  = "86-18600000000"
  console_login = {
    password_wo             = "Initial-Passw0rd"
    password_wo_version     = 1
    password_reset_required = false
    mfa_bind_required       = true
  }
`)
	onlyPassword := resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue(userAddr, tfjsonPath("console_login", "password_wo_version"), knownvalue.Int64Exact(1)),
		plancheck.ExpectKnownValue(userAddr, tfjsonPath("console_login", "password_reset_required"), knownvalue.Bool(false)),
		plancheck.ExpectKnownValue(userAddr, tfjsonPath("console_login", "mfa_bind_required"), knownvalue.Bool(true)),
		expectOnlyChanged(userAddr, "console_login.password_wo_version"),
	}}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{Config: config},
		{
			ResourceName:       userAddr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks:   onlyPassword,
		},
		{
			ResourceName:       userAddr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks:   onlyPassword,
			SkipFunc:           acctest.WithoutIdentity,
		},
		{
			ResourceName:            userAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"console_login.password_wo_version"},
		},
	})
}

// tfjsonPath is the path of a nested attribute.
func tfjsonPath(attr string, nested ...string) tfjsonpath.Path {
	p := tfjsonpath.New(attr)
	for _, n := range nested {
		p = p.AtMapKey(n)
	}
	return p
}

// expectOnlyChanged fails unless the planned change of addr touches exactly the given attributes
// (dotted paths), known after apply or not.
func expectOnlyChanged(addr string, want ...string) plancheck.PlanCheck {
	return onlyChanged{addr, want}
}

type onlyChanged struct {
	addr string
	want []string
}

func (c onlyChanged) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		got := map[string]bool{}
		diffPaths("", rc.Change.Before, rc.Change.After, got)
		diffPaths("", nil, rc.Change.AfterUnknown, got)
		var paths []string
		for p := range got {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		if strings.Join(paths, " ") != strings.Join(c.want, " ") {
			resp.Error = fmt.Errorf("%s: the plan changes %v, want only %v", c.addr, paths, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: not in the plan", c.addr)
}

// diffPaths records in out the dotted paths where before and after differ (an AfterUnknown true counts).
func diffPaths(prefix string, before, after any, out map[string]bool) {
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	if bok || aok {
		keys := map[string]bool{}
		for k := range bm {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		for k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			diffPaths(p, bm[k], am[k], out)
		}
		return
	}
	if after == false && before == nil { // AfterUnknown's "known"
		return
	}
	if fmt.Sprint(before) != fmt.Sprint(after) {
		out[prefix] = true
	}
}

// B's delegated role, granted A's role, trusted by ECS and one of B's roles, tagged.
func TestAccImport_delegatedRole(t *testing.T) {
	e := acctest.New(t)
	role := acctest.RandomName("imp-drole-a")
	arn := roleInA(t, e, role)
	name := acctest.RandomName("imp-drole")
	config := delegatedRoleConfig(e, name, fmt.Sprintf(`  assumable_role_arns    = [%q]
  trusted_principal_arns = [%q]
  description            = "RocketMQ producer on ECS"
  max_session_duration   = 7200
  tags                   = { app = "orders" }`, arn, acctest.RoleARN(e.B.ID, "deployer")))
	tc := importTest(t, e, config, delegatedRoleAddr, e.B.ID, map[string]string{"name": name}, []string{"aliramb"})
	tc.CheckDestroy = checkNothingLeftAfter(t, e, role)
	resource.Test(t, tc)
}

// An AccessKey whose secret the configuration encrypts with pgp_key: an import reads neither the key's
// secret nor pgp_key, so the first plan records pgp_key, in place, and keeps the imported key (a new key
// would cut off the application that holds the current one).
func TestAccImport_delegatedUserPGP(t *testing.T) {
	e := acctest.New(t)
	_, armored := newPGPKey(t)
	name := acctest.RandomName("imp-pgp")
	config := delegatedUserHCL(e, name, fmt.Sprintf("  programmatic_access = { pgp_key = %q }\n", armored))
	sameKey, keyID := statecheck.CompareValue(compare.ValuesSame()), tfjsonPath("programmatic_access", "access_key_id")
	keepsKey := resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
		expectOnlyChanged(userAddr, "programmatic_access.pgp_key"),
	}}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{sameKey.AddStateValue(userAddr, keyID)},
		},
		{
			ResourceName:       userAddr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks:   keepsKey,
		},
		{
			ResourceName:       userAddr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithResourceIdentity,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks:   keepsKey,
			SkipFunc:           acctest.WithoutIdentity,
		},
		{
			// Forget the user (it stays in RAM), import it with an import block and apply: the key stays.
			Config: e.SeparateProviderConfig() + "\nremoved {\n  from = " + userAddr + "\n  lifecycle {\n    destroy = false\n  }\n}\n",
		},
		{
			Config: config + "\nimport {\n  to       = " + userAddr + "\n  id       = \"" + name + "\"\n  provider = aliramb\n}\n",
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{expectOnlyChanged(userAddr, "programmatic_access.pgp_key")},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{sameKey.AddStateValue(userAddr, keyID)},
		},
	})
}
