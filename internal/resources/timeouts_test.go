package resources_test

import (
	"fmt"
	"regexp"
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

// timeoutsConfig: a role and an attachment, the attachment with the given timeouts block body.
func timeoutsConfig(e *acctest.Env, role, attachmentTimeouts string) string {
	return providerA(e) + roleHCL("test", role, e.B.ID, "timeouts {\n    create = \"2m\"\n    delete = \"3m\"\n  }") +
		attachmentHCL("test", "test", "System", `"AliyunKafkaReadOnlyAccess"`, "timeouts {\n    "+attachmentTimeouts+"\n  }")
}

// TestAccTimeouts: a timeouts block is kept in the state, changing it is an in-place update that touches
// nothing in RAM (even on a resource whose other arguments all force replacement), and an import leaves it
// unset.
func TestAccTimeouts(t *testing.T) {
	e := acctest.New(t)
	role := acctest.RandomName("timeouts")
	e.Test(t, []resource.TestStep{
		{
			Config: timeoutsConfig(e, role, `create = "1m"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("aliram_cross_account_role.test", tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("2m")),
				statecheck.ExpectKnownValue("aliram_role_policy_attachment.test", tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("1m")),
			},
		},
		{
			PreConfig: e.ResetCalls,
			Config:    timeoutsConfig(e, role, `create = "1m"`+"\n    delete = \"30s\""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aliram_role_policy_attachment.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("aliram_cross_account_role.test", plancheck.ResourceActionNoop),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("aliram_role_policy_attachment.test", tfjsonpath.New("timeouts").AtMapKey("delete"), knownvalue.StringExact("30s")),
			},
			Check: func(*terraform.State) error {
				for k, n := range e.Emulator.Stats().Calls {
					if !readOnlyAction(k) {
						return fmt.Errorf("changing only timeouts made %d %s call(s)", n, k)
					}
				}
				return checkRolePolicies(t, e, role, "System:AliyunKafkaReadOnlyAccess")(nil)
			},
		},
		{
			ResourceName:            "aliram_role_policy_attachment.test",
			ImportState:             true,
			ImportStateId:           role + ":System:AliyunKafkaReadOnlyAccess",
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
	})
}

// readOnlyAction: calls that change nothing (reads and the caller-identity lookup).
func readOnlyAction(k string) bool {
	return regexp.MustCompile(`^(Ram\.(Get|List)|Sts\.GetCallerIdentity)`).MatchString(k)
}

// TestAccTimeoutsBoundRetries: a service that keeps failing is retried until the operation's timeout, not
// for a fixed count, and then the last error is reported with what to do.
func TestAccTimeoutsBoundRetries(t *testing.T) {
	e := acctest.NewWithOptions(t, ramemu.Options{FaultRate: 1}) // every call: ServiceUnavailable
	e.NeedsEmulator(t, "needs the emulator's fault injection")
	role := acctest.RandomName("outage")
	acctest.Test(t, nil, []resource.TestStep{{
		Config:      providerA(e) + roleHCL("test", role, e.B.ID, "timeouts {\n    create = \"15s\"\n  }"),
		ExpectError: wrapRe(`(?s)ServiceUnavailable.*until the operation's timeout`),
	}})
	// The former client gave up after 6 attempts. Backoff windows from 200 ms doubling fit 7 attempts in
	// 12.6 s even when every jittered sleep is the longest, so a 15 s budget always allows more.
	if n := e.Emulator.Stats().Calls["Ram.CreateRole"]; n < 7 {
		t.Errorf("CreateRole attempted %d times within its 15 s timeout, want more than the former fixed 6", n)
	}
}
