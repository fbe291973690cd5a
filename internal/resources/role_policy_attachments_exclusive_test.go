package resources_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

const exclusiveAddr = "aliram_role_policy_attachments_exclusive.test"

// exclusiveConfig: a role trusted by B with one aliram_role_policy_attachment (AliyunKafkaFullAccess), a custom
// policy, and the exclusive set listing both (the custom policy is attached by the exclusive resource itself).
// extra is appended as is.
func exclusiveConfig(e *acctest.Env, role, pol, extra string) string {
	return providerA(e) + roleHCL("test", role, e.B.ID) + policyHCL("orders", pol, allowHCL("alikafka:ListTopic", "*")) + attachmentHCL("kafka", "test", "System", `"AliyunKafkaFullAccess"`) + extra
}

func exclusiveBlock(systemPolicies string) string {
	return fmt.Sprintf(`
resource "aliram_role_policy_attachments_exclusive" "test" {
  role_name       = aliram_cross_account_role.test.name
  system_policies = %s
  custom_policies = [aliram_policy.orders.name]
}
`, systemPolicies)
}

// TestAccRolePolicyAttachmentsExclusive_outOfBand: AdministratorAccess attached to the role by hand makes the
// plan non-empty (the exclusive set shrinks back to what the configuration names) and apply detaches it; the
// exclusive resource imports by role name and by identity; an attachment resource the exclusive set leaves out
// fails the plan; removing only the exclusive resource detaches what it attached itself and leaves the
// attachment resource's policy; destroy leaves the account empty (the role has no force_detach_policies, so a
// policy left attached would fail it).
func TestAccRolePolicyAttachmentsExclusive_outOfBand(t *testing.T) {
	e := acctest.New(t)
	role, pol := acctest.RandomName("kafka-ops"), acctest.RandomName("kafka-orders")
	config := exclusiveConfig(e, role, pol, exclusiveBlock("[aliram_role_policy_attachment.kafka.policy_name]"))
	e.Test(t, []resource.TestStep{
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(exclusiveAddr, tfjsonpath.New("id"), knownvalue.StringExact(role)),
				statecheck.ExpectKnownValue(exclusiveAddr, tfjsonpath.New("system_policies"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("AliyunKafkaFullAccess")})),
				acctest.IfIdentity(statecheck.ExpectIdentity(exclusiveAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(e.A.ID),
					"role_name": knownvalue.StringExact(role),
				})),
			},
			Check: checkRolePolicies(t, e, role, "System:AliyunKafkaFullAccess", "Custom:"+pol),
		},
		{
			PreConfig: func() { byHand(t, e, e.A).attachToRole(role, "System", "AdministratorAccess") },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectNonEmptyPlan(),
				plancheck.ExpectResourceAction(exclusiveAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("aliram_role_policy_attachment.kafka", plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(exclusiveAddr, tfjsonpath.New("system_policies"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("AliyunKafkaFullAccess")})),
			}, PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: checkRolePolicies(t, e, role, "System:AliyunKafkaFullAccess", "Custom:"+pol),
		},
		{
			// A custom policy detached by hand is attached again.
			PreConfig: func() { byHand(t, e, e.A).detachFromRole(role, "Custom", pol) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(exclusiveAddr, plancheck.ResourceActionUpdate),
			}, PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: checkRolePolicies(t, e, role, "System:AliyunKafkaFullAccess", "Custom:"+pol),
		},
		{
			ResourceName:      exclusiveAddr,
			ImportState:       true,
			ImportStateId:     role,
			ImportStateVerify: true,
		},
		importByIdentity(exclusiveAddr),
		{
			// An attachment resource the exclusive set leaves out: refused at plan, naming it.
			Config:      config + attachmentHCL("extra", "test", "System", `"AliyunMQReadOnlyAccess"`),
			PlanOnly:    true,
			ExpectError: wrapRe(`(?s)Attachment left out of the exclusive set.*System policy "AliyunMQReadOnlyAccess"`),
		},
		{
			// Only the exclusive resource removed: it takes back what it attached, not the attachment resource's policy.
			Config: exclusiveConfig(e, role, pol, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(exclusiveAddr, plancheck.ResourceActionDestroy),
				plancheck.ExpectResourceAction("aliram_role_policy_attachment.kafka", plancheck.ResourceActionNoop),
			}},
			Check: checkRolePolicies(t, e, role, "System:AliyunKafkaFullAccess"),
		},
		{
			Config: config,
			Check:  checkRolePolicies(t, e, role, "System:AliyunKafkaFullAccess", "Custom:"+pol),
		},
	})
}

// TestAccRolePolicyAttachmentsExclusive_sameApply: an exclusive set naming a policy literally, applied before
// the attachment resource of the same policy (depends_on forces that order): the attachment resource takes
// the attachment over instead of failing with "already attached outside this configuration"; names differing
// from RAM's only in case plan nothing.
func TestAccRolePolicyAttachmentsExclusive_sameApply(t *testing.T) {
	e := acctest.New(t)
	role := acctest.RandomName("kafka-ops")
	config := providerA(e) + roleHCL("test", role, e.B.ID) + `
resource "aliram_role_policy_attachments_exclusive" "test" {
  role_name       = aliram_cross_account_role.test.name
  system_policies = ["aliyunkafkafullaccess"]
}
` + attachmentHCL("kafka", "test", "System", `"AliyunKafkaFullAccess"`, "depends_on  = [aliram_role_policy_attachments_exclusive.test]")
	e.Test(t, []resource.TestStep{
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(exclusiveAddr, tfjsonpath.New("system_policies"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("aliyunkafkafullaccess")})),
				statecheck.ExpectKnownValue(exclusiveAddr, tfjsonpath.New("custom_policies"), knownvalue.SetSizeExact(0)),
			},
			Check: checkRolePolicies(t, e, role, "System:AliyunKafkaFullAccess"),
		},
	})
}

// TestAccRolePolicyAttachmentsExclusive_badInput: a policy named twice (in different case) or an invalid
// name fails at plan, with no API call.
func TestAccRolePolicyAttachmentsExclusive_badInput(t *testing.T) {
	e := acctest.New(t)
	step := func(system, want string) resource.TestStep {
		return resource.TestStep{
			Config: providerA(e) + fmt.Sprintf(`
resource "aliram_role_policy_attachments_exclusive" "test" {
  role_name       = "kafka-ops"
  system_policies = %s
}
`, system),
			PlanOnly:    true,
			ExpectError: wrapRe(want),
		}
	}
	e.ResetCalls()
	acctest.Test(t, nil, []resource.TestStep{
		step(`["AdministratorAccess", "administratoraccess"]`, `(?s)system_policies.*same policy`),
		step(`["Aliyun_Kafka"]`, `(?s)system_policies.*not\s+allowed`),
	})
	e.AssertNoAPICalls(t)
}
