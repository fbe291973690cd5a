package resources_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// Plan-time warnings for widened access (plan_warnings.go), read from the provider's answers to the CLI's
// plans (acctest.Warnings): each widening warns on the attribute that causes it, and narrowing, an unchanged
// resource and a reformatted equivalent document warn nothing.

const widened = "Widened access: "

// planOnly is a step that only plans config and checks the plan's changes and warnings.
func planOnly(w *acctest.Warnings, config string, nonEmpty bool, checks ...plancheck.PlanCheck) resource.TestStep {
	return resource.TestStep{
		PreConfig:          w.Reset,
		Config:             config,
		PlanOnly:           true,
		ExpectNonEmptyPlan: nonEmpty,
		ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPreRefresh: checks},
	}
}

// roleTrust is the typed trust of TestAccPlanWarnings_crossAccountRole; fields left "" are left out.
type roleTrust struct {
	accounts, principals, externalID, mfa, sourceIPs, validUntil, maxSession string
}

func (r roleTrust) body() string {
	var b strings.Builder
	for _, a := range []struct{ name, value string }{
		{"trusted_account_ids", r.accounts}, {"trusted_principal_arns", r.principals}, {"external_id", r.externalID},
		{"require_mfa", r.mfa}, {"allowed_source_ips", r.sourceIPs}, {"valid_until", r.validUntil},
		{"max_session_duration", r.maxSession},
	} {
		if a.value != "" {
			fmt.Fprintf(&b, "  %s = %s\n", a.name, a.value)
		}
	}
	return b.String()
}

func TestAccPlanWarnings_crossAccountRole(t *testing.T) {
	e := acctest.New(t)
	w := &acctest.Warnings{}
	name := acctest.RandomName("kafka-ops")
	const other = "1000000000000003"
	base := roleTrust{
		accounts:   hclList(e.B.ID),
		externalID: `"contract-42"`,
		mfa:        "true",
		sourceIPs:  hclList("203.0.113.0/24"),
		validUntil: `"2030-06-30T23:59:59Z"`,
		maxSession: "7200",
	}
	config := func(edit func(*roleTrust)) string {
		r := base
		if edit != nil {
			edit(&r)
		}
		return roleConfig(e, name, r.body())
	}
	const role = "aliram_cross_account_role"
	update := plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)
	acctest.TestWith(t, w.Factories(), e.CheckNothingLeft(t), []resource.TestStep{
		{
			// A new role trusting another account is the point of the resource: no warning.
			PreConfig:        w.Reset,
			Config:           config(nil),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w.ExpectNone(widened)}},
		},
		planOnly(w, config(func(r *roleTrust) { r.accounts = hclList(e.B.ID, other) }), true, update,
			w.Expect(role, "trusted_account_ids", "trusts a new account", "acs:ram::"+other+":root", "every RAM user and role of account "+other)),
		planOnly(w, config(func(r *roleTrust) { r.principals = hclList("acs:ram::" + other + ":user/eve") }), true, update,
			w.Expect(role, "trusted_principal_arns", "trusts a new principal", "acs:ram::"+other+":user/eve")),
		planOnly(w, config(func(r *roleTrust) { r.externalID = "" }), true, update,
			w.Expect(role, "external_id", fmt.Sprintf("RAM role %q no longer requires an external ID", name), "confused-deputy"),
			w.ExpectNone("contract-42")),
		// A rotated external ID guards as much as before.
		planOnly(w, config(func(r *roleTrust) { r.externalID = `"contract-43"` }), true, update, w.ExpectNone(widened)),
		planOnly(w, config(func(r *roleTrust) { r.mfa = "false" }), true, update,
			w.Expect(role, "require_mfa", "no longer requires MFA", "acs:MFAPresent")),
		planOnly(w, config(func(r *roleTrust) { r.mfa = "" }), true, update,
			w.Expect(role, "require_mfa", "no longer requires MFA")),
		planOnly(w, config(func(r *roleTrust) { r.sourceIPs = hclList("203.0.113.0/24", "198.51.100.0/24") }), true, update,
			w.Expect(role, "allowed_source_ips", "accepts AssumeRole from more addresses", "newly admits 198.51.100.0/24")),
		planOnly(w, config(func(r *roleTrust) { r.sourceIPs = hclList("203.0.0.0/16") }), true, update,
			w.Expect(role, "allowed_source_ips", "accepts AssumeRole from more addresses", "newly admits 203.0.0.0/16")),
		planOnly(w, config(func(r *roleTrust) { r.sourceIPs = "" }), true, update,
			w.Expect(role, "allowed_source_ips", "no longer restricts source addresses", "203.0.113.0/24")),
		planOnly(w, config(func(r *roleTrust) { r.validUntil = `"2031-06-30T23:59:59Z"` }), true, update,
			w.Expect(role, "valid_until", "trust ends later", "2030-06-30T23:59:59Z to 2031-06-30T23:59:59Z (365 days later)")),
		planOnly(w, config(func(r *roleTrust) { r.validUntil = "" }), true, update,
			w.Expect(role, "valid_until", "no longer expires", "2030-06-30T23:59:59Z")),
		planOnly(w, config(func(r *roleTrust) { r.maxSession = "43200" }), true, update,
			w.Expect(role, "max_session_duration", "allows longer sessions", "from 7200 s (2 h) to 43200 s (12 h)")),
		// Everything narrowed at once: one user instead of the account, a smaller range, an earlier end,
		// shorter sessions. A real update, and silent.
		planOnly(w, config(func(r *roleTrust) {
			r.accounts, r.principals = "", hclList("acs:ram::"+e.B.ID+":user/alice")
			r.sourceIPs, r.validUntil, r.maxSession = hclList("203.0.113.0/25"), `"2029-12-31T23:59:59Z"`, "3600"
		}), true, update, w.ExpectNone(widened)),
		{
			// Applied, the widening is shown in the apply's plan too; afterwards the plan is empty and silent.
			PreConfig: w.Reset,
			Config:    config(func(r *roleTrust) { r.accounts = hclList(e.B.ID, other) }),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				w.Expect(role, "trusted_account_ids", "trusts a new account"),
			}},
		},
		planOnly(w, config(func(r *roleTrust) { r.accounts = hclList(e.B.ID, other) }), false, w.ExpectNone(widened)),
	})
}

func TestAccPlanWarnings_rawTrustPolicy(t *testing.T) {
	e := acctest.New(t)
	w := &acctest.Warnings{}
	name := acctest.RandomName("mq-ops")
	root := "acs:ram::" + e.B.ID + ":root"
	raw := func(doc string) string { return roleConfig(e, name, "  assume_role_policy = <<-EOT\n"+doc+"\nEOT\n") }
	compact := fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":[%q]},"Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}}]}`, root)
	// The same document: list for string, keys reordered, whitespace.
	reformatted := fmt.Sprintf(`{
  "Statement": [{
    "Condition": {"StringEquals": {"sts:ExternalId": ["x-1"]}},
    "Principal": {"RAM": %q},
    "Action": ["sts:AssumeRole"],
    "Effect": "Allow"
  }],
  "Version": "1"
}`, root)
	const role = "aliram_cross_account_role"
	acctest.TestWith(t, w.Factories(), e.CheckNothingLeft(t), []resource.TestStep{
		{Config: raw(compact)},
		{
			// Semantic equality: RAM holding another spelling of the same document plans nothing and warns
			// nothing.
			PreConfig: func() {
				w.Reset()
				byHand(t, e, e.A).updateTrust(name, reformatted)
			},
			Config:           raw(compact),
			PlanOnly:         true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{w.ExpectNone("")}},
		},
		// The configuration reformatted: the CLI wants the new spelling in the plan (an update that sends
		// nothing to RAM), but nothing widened.
		planOnly(w, raw(reformatted), true, w.ExpectNone(widened)),
		planOnly(w, raw(strings.Replace(compact, fmt.Sprintf("[%q]", root), fmt.Sprintf("[%q,\"acs:ram::1000000000000003:root\"]", root), 1)), true,
			w.Expect(role, "assume_role_policy", "trusts a new account", "acs:ram::1000000000000003:root")),
		planOnly(w, raw(strings.Replace(compact, `,"Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}`, "", 1)), true,
			w.Expect(role, "assume_role_policy", "no longer requires an external ID", root)),
		// A condition added is narrower.
		planOnly(w, raw(strings.Replace(compact, `"Condition":{`, `"Condition":{"Bool":{"acs:MFAPresent":"true"},`, 1)), true,
			w.ExpectNone(widened)),
	})
}

func TestAccPlanWarnings_privilegedPolicies(t *testing.T) {
	e := acctest.New(t)
	w := &acctest.Warnings{}
	name := acctest.RandomName("kafka-ops")
	const attachment = "aliram_role_policy_attachment"
	roleAndKafka := roleConfig(e, name, "  trusted_account_ids = "+hclList(e.B.ID)+"\n  force_detach_policies = true") + `
resource "aliram_role_policy_attachment" "kafka" {
  role_name   = aliram_cross_account_role.test.name
  policy_type = "System"
  policy_name = "AliyunKafkaFullAccess"
}
`
	attach := func(label, role, policyName string) string {
		return fmt.Sprintf(`
resource "aliram_role_policy_attachment" %q {
  role_name   = %s
  policy_type = "System"
  policy_name = %q
}
`, label, role, policyName)
	}
	exclusive := func(policies ...string) string {
		return fmt.Sprintf(`
resource "aliram_role_policy_attachments_exclusive" "test" {
  role_name       = aliram_cross_account_role.test.name
  system_policies = %s
}
`, hclList(policies...))
	}
	acctest.TestWith(t, w.Factories(), e.CheckNothingLeft(t), []resource.TestStep{
		{
			// The service's own policy is not privileged.
			PreConfig:        w.Reset,
			Config:           roleAndKafka,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w.ExpectNone(widened)}},
		},
		{
			// AdministratorAccess on the configuration's cross-account role: the warning names whom it trusts.
			PreConfig: w.Reset,
			Config:    roleAndKafka + attach("admin", "aliram_cross_account_role.test.name", "AdministratorAccess"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("aliram_role_policy_attachment.admin", plancheck.ResourceActionCreate),
				w.Expect(attachment, "policy_name", fmt.Sprintf("privileged policy AdministratorAccess attached to RAM role %q", name),
					"every action on every resource", "it trusts acs:ram::"+e.B.ID+":root"),
			}},
		},
		// Already attached: no change, no warning.
		planOnly(w, roleAndKafka+attach("admin", "aliram_cross_account_role.test.name", "AdministratorAccess"), false, w.ExpectNone(widened)),
		{
			// Detaching it narrows: silent.
			PreConfig:        w.Reset,
			Config:           roleAndKafka,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w.ExpectNone(widened)}},
		},
		// A role this configuration does not manage: the provider cannot know whom it trusts, and says so.
		planOnly(w, roleAndKafka+attach("ram", `"someone-elses-role"`, "AliyunRAMFullAccess"), true,
			w.Expect(attachment, "policy_name", `privileged policy AliyunRAMFullAccess attached to RAM role "someone-elses-role"`,
				"If the role is a cross-account role", "attaching AdministratorAccess")),
		planOnly(w, roleAndKafka+attach("sts", `"someone-elses-role"`, "AliyunSTSAssumeRoleAccess"), true,
			w.Expect(attachment, "policy_name", "privileged policy AliyunSTSAssumeRoleAccess", "switch on to any other role")),
		// The exclusive set warns for the privileged names it adds, and only those.
		planOnly(w, roleAndKafka+exclusive("AliyunKafkaFullAccess", "AliyunRAMFullAccess"), true,
			w.Expect("aliram_role_policy_attachments_exclusive", "system_policies", "privileged policy AliyunRAMFullAccess"),
			w.ExpectNone("privileged policy AliyunKafkaFullAccess")),
		planOnly(w, roleAndKafka+exclusive("AliyunKafkaFullAccess"), true, w.ExpectNone(widened)),
	})
}

func TestAccPlanWarnings_delegatedUser(t *testing.T) {
	e := acctest.New(t)
	w := &acctest.Warnings{}
	roleName := acctest.RandomName("kafka-ops")
	arn := roleInA(t, e, roleName)
	name := acctest.RandomName("app")
	config := func(arns string) string {
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  %s
  programmatic_access = {}
`, arns))
	}
	const user = "aliram_delegated_user"
	anyRole := fmt.Sprintf("RAM user %q may assume any role (AliyunSTSAssumeRoleAccess)", name)
	acctest.TestWith(t, w.Factories("aliramb"), checkNothingLeftAfter(t, e, roleName), []resource.TestStep{
		{
			// Exactly A's role: a managed policy, no warning.
			PreConfig:        w.Reset,
			Config:           config("assumable_role_arns = " + hclList(arn)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{w.ExpectNone(widened)}},
		},
		planOnly(w, config("assumable_role_arns = []"), true,
			w.Expect(user, "assumable_role_arns", anyRole, "any role of any account whose trust policy admits account "+e.B.ID)),
		planOnly(w, config(""), true, w.Expect(user, "assumable_role_arns", anyRole)),
		{
			PreConfig: w.Reset,
			Config:    config(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				w.Expect(user, "assumable_role_arns", anyRole),
			}},
			Check: checkUserPolicies(t, e, name, "System:AliyunSTSAssumeRoleAccess"),
		},
		// Held already: nothing to flag again.
		planOnly(w, config(""), false, w.ExpectNone(widened)),
		{
			// Back to exactly one role narrows: silent.
			PreConfig: w.Reset,
			Config:    config("assumable_role_arns = " + hclList(arn)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				w.ExpectNone(widened),
			}},
		},
	})
}
