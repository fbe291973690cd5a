package resources_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// RAM is eventually consistent and Terraform runs every command in a new provider process: the plan right
// after an apply reads with a client that did not make the creates. These tests run the emulator with a
// replication delay (new roles, users, policies and attachments invisible to reads for a few seconds) and
// check that the plan after the apply is empty instead of re-creating what RAM does not show yet.

const consistencyDelay = 3 * time.Second

// planCheckFunc adapts a function to plancheck.PlanCheck.
type planCheckFunc func(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse)

func (f planCheckFunc) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	f(ctx, req, resp)
}

// logHidden records, right after an apply, whether RAM (the emulator) still hides the role: the evidence
// that the plan which follows really reads through the replication delay. Logged, not asserted: on a
// loaded machine the apply may outlast the delay.
func logHidden(t *testing.T, e *acctest.Env, acct ramemu.Account, role string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		req := ram.CreateGetRoleRequest()
		req.RoleName = role
		_, err := e.RAM(t, acct).GetRole(req)
		t.Logf("right after apply, GetRole(%s) from a fresh client: %v", role, errOrOK(err))
		return nil
	}
}

// markTime notes the end of an apply and zeroes the emulator's counters.
func markTime(e *acctest.Env, at *time.Time) resource.TestCheckFunc {
	return func(*terraform.State) error { *at = time.Now(); e.ResetCalls(); return nil }
}

// logSince logs how long the harness's plans right after the previous step's apply took (a non-refresh
// plan, then a plan with refresh that waits for RAM) and the reads they made: figures for the cost of waiting.
func logSince(t *testing.T, e *acctest.Env, at *time.Time) func() {
	return func() {
		_, detail := ramCalls(e.Calls())
		t.Logf("the plans after the apply took %s in all (replication delay %s); RAM calls: %s",
			time.Since(*at).Round(10*time.Millisecond), consistencyDelay, detail)
	}
}

func errOrOK(err error) string {
	if err == nil {
		return "found"
	}
	if strings.Contains(err.Error(), "EntityNotExist") {
		return "EntityNotExist (replication delay in effect)"
	}
	return err.Error()
}

// TestAccConsistency_roleWithAttachments: a role with three attachments (two system policies and a custom
// aliram_policy) under a replication delay; the plans right after the apply are empty.
func TestAccConsistency_roleWithAttachments(t *testing.T) {
	e := acctest.NewWithOptions(t, ramemu.Options{ConsistencyDelay: consistencyDelay})
	role, pol := acctest.RandomName("lag-role"), acctest.RandomName("lag-policy")
	config := providerA(e) + policyHCL("custom", pol, allowHCL("kafka:List*", "*")) + roleHCL("test", role, e.B.ID) +
		attachmentHCL("system", "test", "System", `"AliyunKafkaReadOnlyAccess"`) +
		attachmentHCL("system2", "test", "System", `"ReadOnlyAccess"`) +
		attachmentHCL("custom", "test", "Custom", "aliram_policy.custom.name")

	var appliedAt time.Time
	e.Test(t, []resource.TestStep{
		{
			// The harness plans again right after this apply (a refresh in a new provider process) and
			// fails the step if that plan is not empty.
			Config: config,
			Check:  resource.ComposeTestCheckFunc(logHidden(t, e, e.A, role), markTime(e, &appliedAt)),
		},
		{
			PreConfig: logSince(t, e, &appliedAt),
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
	})
}

// TestAccConsistency_delegatedUser: account B's user with an AccessKey, a console login and the managed
// assume-role policy for a role of account A, under a replication delay in both accounts; the plans right
// after the apply are empty.
func TestAccConsistency_delegatedUser(t *testing.T) {
	e := acctest.NewWithOptions(t, ramemu.Options{ConsistencyDelay: consistencyDelay})
	role, user := acctest.RandomName("lag-role"), acctest.RandomName("lag-user")
	config := e.ProviderConfig() + roleHCL("test", role, e.B.ID) + userHCL(user, `
  assumable_role_arns = [aliram_cross_account_role.test.arn]
  console_login = {
    password = "Lag-Passw0rd-2026"
  }
  programmatic_access = {}
`)

	var appliedAt time.Time
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				logHidden(t, e, e.A, role),
				checkCanAssume(t, e, userAddr, []string{acctest.RoleARN(e.A.ID, role)}, nil),
				markTime(e, &appliedAt),
			),
		},
		{
			PreConfig: logSince(t, e, &appliedAt),
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
	})
}

// TestAccConsistency_outOfBandDeleteAfterWindow: once the consistency window after the create has passed,
// an out-of-band deletion shows in the very next plan, read once, without waiting. The window is shortened
// to a few seconds for the test (it is 30 s in real use).
func TestAccConsistency_outOfBandDeleteAfterWindow(t *testing.T) {
	const window = 3 * time.Second
	restore := ramclient.SetConsistencyWindowForTesting(window)
	t.Cleanup(restore)
	e := acctest.NewWithOptions(t, ramemu.Options{ConsistencyDelay: time.Second})
	role, user := acctest.RandomName("late-role"), acctest.RandomName("late-user")
	config := e.ProviderConfig() + roleHCL("test", role, e.B.ID) +
		attachmentHCL("test", "test", "System", `"AliyunKafkaReadOnlyAccess"`) + userHCL(user, "  programmatic_access = {}\n")

	var appliedAt, planStart time.Time
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			// Created with a 1 s delay: the plans right after this apply wait for RAM (inside the window).
			Config: config,
			Check:  func(*terraform.State) error { appliedAt = time.Now(); return nil },
		},
		{
			// Well after the window, someone deletes the role (detach, delete) and the user's AccessKey.
			PreConfig: func() {
				time.Sleep(time.Until(appliedAt.Add(window + time.Second)))
				c := e.RAM(t, e.A)
				byHand(t, e, e.A).detachFromRole(role, "System", "AliyunKafkaReadOnlyAccess")
				// RAM (the emulator too) may refuse the delete for a moment after the detach.
				del := ram.CreateDeleteRoleRequest()
				del.RoleName = role
				var err error
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
					if _, err = c.DeleteRole(del); err == nil {
						break
					}
				}
				mustSDK(t, "DeleteRole")(nil, err)
				lk := ram.CreateListAccessKeysRequest()
				lk.UserName = user
				keys, err := e.RAM(t, e.B).ListAccessKeys(lk)
				mustSDK(t, "ListAccessKeys")(keys, err)
				for _, k := range keys.AccessKeys.AccessKey {
					dk := ram.CreateDeleteAccessKeyRequest()
					dk.UserName, dk.UserAccessKeyId = user, k.AccessKeyId
					mustSDK(t, "DeleteAccessKey")(e.RAM(t, e.B).DeleteAccessKey(dk))
				}
				e.ResetCalls()
				planStart = time.Now()
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("aliram_cross_account_role.test", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("aliram_role_policy_attachment.test", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				planCheckFunc(func(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
					// One read each: nothing was retried.
					calls := e.Calls()
					t.Logf("plan after the out-of-band delete: %s, calls %v", time.Since(planStart).Round(time.Millisecond), calls)
					for _, a := range []string{"Ram.GetRole", "Ram.ListPoliciesForRole", "Ram.GetUser", "Ram.ListAccessKeys"} {
						if calls[a] != 1 {
							resp.Error = fmt.Errorf("%s was called %d times during the plan, want 1 (no wait for a deletion long after the create)", a, calls[a])
							return
						}
					}
				}),
			}},
		},
	})
}
