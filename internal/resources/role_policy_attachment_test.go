package resources_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

const (
	systemAttAddr = "aliram_role_policy_attachment.system"
	customAttAddr = "aliram_role_policy_attachment.custom"
)

func checkRolePolicies(t *testing.T, e *acctest.Env, role string, want ...string) resource.TestCheckFunc {
	return checkPoliciesOf(t, e, e.A, "role", role, true, want...)
}

// attachmentConfig: a role trusted by B, a custom RocketMQ policy, and two attachments (system and custom).
func attachmentConfig(e *acctest.Env, role, policyName, systemPolicy string) string {
	return providerA(e) + roleHCL("test", role, e.B.ID) + policyHCL("rocketmq", policyName, `jsonencode({
    Version = "1"
    Statement = [{
      Effect   = "Allow"
      Action   = ["mq:PUB", "mq:SUB"]
      Resource = ["acs:mq:*:*:MQ_INST_1234567890_BXdemo%orders"]
    }]
  })`) + attachmentHCL("system", "test", "System", strconv.Quote(systemPolicy)) +
		attachmentHCL("custom", "test", "Custom", "aliram_policy.rocketmq.name")
}

// TestAccRolePolicyAttachment_lifecycle: system and custom attachments; import by ID (type in any case),
// import block by identity; an attachment removed out of band is planned again; a new policy replaces;
// a role deleted out of band takes its attachments with it and everything is planned again.
func TestAccRolePolicyAttachment_lifecycle(t *testing.T) {
	e := acctest.New(t)
	role, pol := acctest.RandomName("mq-ops"), acctest.RandomName("rocketmq-orders")
	systemID := role + ":System:AliyunMQReadOnlyAccess"
	e.Test(t, []resource.TestStep{
		{
			Config: attachmentConfig(e, role, pol, "AliyunMQReadOnlyAccess"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(systemAttAddr, tfjsonpath.New("id"), knownvalue.StringExact(systemID)),
				statecheck.ExpectKnownValue(customAttAddr, tfjsonpath.New("id"), knownvalue.StringExact(role+":Custom:"+pol)),
				acctest.IfIdentity(statecheck.ExpectIdentity(systemAttAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(e.A.ID),
					"role_name":   knownvalue.StringExact(role),
					"policy_type": knownvalue.StringExact("System"),
					"policy_name": knownvalue.StringExact("AliyunMQReadOnlyAccess"),
				})),
			},
			Check: checkRolePolicies(t, e, role, "System:AliyunMQReadOnlyAccess", "Custom:"+pol),
		},
		{
			ResourceName:      systemAttAddr,
			ImportState:       true,
			ImportStateId:     systemID,
			ImportStateVerify: true,
		},
		{
			ResourceName:      customAttAddr,
			ImportState:       true,
			ImportStateId:     role + ":custom:" + pol,
			ImportStateVerify: true,
		},
		importByIdentity(customAttAddr),
		{
			PreConfig: func() { byHand(t, e, e.A).detachFromRole(role, "System", "AliyunMQReadOnlyAccess") },
			Config:    attachmentConfig(e, role, pol, "AliyunMQReadOnlyAccess"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(systemAttAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(customAttAddr, plancheck.ResourceActionNoop),
			}},
			Check: checkRolePolicies(t, e, role, "System:AliyunMQReadOnlyAccess", "Custom:"+pol),
		},
		{
			Config: attachmentConfig(e, role, pol, "AliyunMQFullAccess"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(systemAttAddr, plancheck.ResourceActionDestroyBeforeCreate),
				plancheck.ExpectResourceAction(customAttAddr, plancheck.ResourceActionNoop),
			}},
			Check: checkRolePolicies(t, e, role, "System:AliyunMQFullAccess", "Custom:"+pol),
		},
		{
			PreConfig: func() { deleteRoleOutOfBand(t, e, role) },
			Config:    attachmentConfig(e, role, pol, "AliyunMQFullAccess"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(systemAttAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(customAttAddr, plancheck.ResourceActionCreate),
			}},
			Check: checkRolePolicies(t, e, role, "System:AliyunMQFullAccess", "Custom:"+pol),
		},
	})
}

// TestAccRolePolicyAttachment_alreadyAttached: an attachment is a fact, not an entity with an owner. When the
// policy is attached already (by an apply interrupted before it saved the state, or out of band), creating
// the resource takes the attachment over: no error, one attachment, an empty plan, and destroy detaches it.
func TestAccRolePolicyAttachment_alreadyAttached(t *testing.T) {
	e := acctest.New(t)
	role := acctest.RandomName("kafka-ops")
	roleOnly := providerA(e) + roleHCL("test", role, e.B.ID)
	withAttachment := roleOnly + attachmentHCL("system", "test", "System", `"AliyunKafkaFullAccess"`)
	e.Test(t, []resource.TestStep{
		{
			Config: roleOnly,
			Check: func(*terraform.State) error {
				byHand(t, e, e.A).attachToRole(role, "System", "AliyunKafkaFullAccess")
				return nil
			},
		},
		{
			Config: withAttachment,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkRolePolicies(t, e, role, "System:AliyunKafkaFullAccess"),
		},
	})
}

// TestAccRolePolicyAttachment_badInput: bad values fail at plan time, naming the attribute, with no API call.
func TestAccRolePolicyAttachment_badInput(t *testing.T) {
	e := acctest.New(t)
	step := func(role, policyName, policyType, want string) resource.TestStep {
		return resource.TestStep{
			Config: providerA(e) + fmt.Sprintf(`
resource "aliram_role_policy_attachment" "test" {
  role_name   = %q
  policy_name = %q
  policy_type = %q
}
`, role, policyName, policyType),
			PlanOnly:    true,
			ExpectError: wrapRe(want),
		}
	}
	e.ResetCalls()
	acctest.Test(t, nil, []resource.TestStep{
		step("kafka-ops", "AliyunKafkaFullAccess", "system", `(?s)policy_type.*"System"`),
		step("kafka-ops", "AliyunKafkaFullAccess", "Managed", `(?s)policy_type`),
		step("kafka-ops", "Aliyun_Kafka", "System", `(?s)policy_name.*not\s+allowed`),
		step("kafka-ops", strings.Repeat("p", 129), "Custom", `(?s)policy_name.*129\s+characters`),
		step(strings.Repeat("r", 65), "AliyunKafkaFullAccess", "System", `(?s)role_name.*65\s+characters`),
		step("kafka ops", "AliyunKafkaFullAccess", "System", `(?s)role_name.*not\s+allowed`),
	})
	e.AssertNoAPICalls(t)
}
