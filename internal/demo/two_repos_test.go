package demo_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// examples/scenarios/kafka-two-repos as two enterprises run it: A's repository (owner/) and B's (operator/),
// two root modules with two states, each with its own account's credentials only. A sends B the role ARN (or
// its account ID and the role name) and, out of band, the external ID; B sends A its account ID. Each side
// applies and destroys its own half, in either order, and both accounts end empty.

// twoRepos is one run of the two repositories against one emulator.
type twoRepos struct {
	t                   *testing.T
	env                 *acctest.Env
	owner, operator     *rootModule
	role, employee      string
	app, externalID     string
	roleARN             string
	ownerVars, opVars   map[string]any
	appKey, liveSession acctest.Key
}

func newTwoRepos(t *testing.T) *twoRepos {
	env := acctest.New(t)
	r := &twoRepos{
		t: t, env: env,
		role:       scenarioName("kafka-operators"),
		employee:   scenarioName("kafka-ops-alice"),
		app:        scenarioName("kafka-ops-automation"),
		externalID: "kafka-contract-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-"),
	}
	r.roleARN = acctest.RoleARN(env.A.ID, r.role)
	// Created in this order, cleaned up in the reverse one: B's leftovers first, if a step failed.
	r.owner = newRootModule(t, "kafka-two-repos/owner")
	r.operator = newRootModule(t, "kafka-two-repos/operator")

	endpoints := func(v map[string]any) map[string]any {
		if env.URL != "" {
			v["ram_endpoint"], v["sts_endpoint"] = env.URL, env.URL
		}
		return v
	}
	// A's repository: A's keys, and the one value B sent, B's account ID.
	r.ownerVars = endpoints(map[string]any{
		"owner_account_id":    env.A.ID,
		"owner_access_key":    env.A.AccessKeyID,
		"owner_secret_key":    env.A.AccessKeySecret,
		"operator_account_id": env.B.ID,
		"role_name":           r.role,
		"contract_end":        time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second).Format(time.RFC3339),
		"external_id":         r.externalID,
	})
	// B's repository: B's keys and B's people; A's role comes later, from what A sends.
	r.opVars = endpoints(map[string]any{
		"operator_account_id":       env.B.ID,
		"operator_access_key":       env.B.AccessKeyID,
		"operator_secret_key":       env.B.AccessKeySecret,
		"employee":                  map[string]any{"name": r.employee, "display_name": "Alice (Kafka ops)"},
		"employee_initial_password": password(),
		"app_name":                  r.app,
	})
	for k, v := range r.opVars {
		if s, ok := v.(string); ok && (s == env.A.AccessKeyID || s == env.A.AccessKeySecret) {
			t.Fatalf("B's variable %s holds A's credentials", k)
		}
	}
	r.owner.setVariables(r.ownerVars)
	return r
}

// ownerApplies is A's first apply: the role and its policy, nothing in B. It returns A's outputs.
func (r *twoRepos) ownerApplies() map[string]output {
	r.t.Helper()
	r.owner.applyPlanned(
		"aliram_cross_account_role.kafka: create",
		"aliram_role_policy_attachment.kafka_full_access: create",
	)
	out := r.owner.outputs()
	expectOutput(r.t, out, "role_arn", r.roleARN)
	expectOutput(r.t, out, "console_switch_role", map[string]any{"enterprise_alias_or_account_id": r.env.A.ID, "role_name": r.role})
	expectOutput(r.t, out, "external_id_required", true)
	for name, o := range out {
		if s, ok := o.Value.(string); ok && strings.Contains(s, r.externalID) {
			r.t.Errorf("A's output %s carries the external ID; it goes to B out of band", name)
		}
	}
	return out
}

// operatorApplies is B's first apply with what A sent (vars): B's two users, nothing in A. Then B's
// application proves the delegation through STS and keeps a live session.
func (r *twoRepos) operatorApplies(fromOwner map[string]any) {
	r.t.Helper()
	for k, v := range fromOwner {
		r.opVars[k] = v
	}
	r.operator.setVariables(r.opVars)
	r.operator.applyPlanned(
		"aliram_delegated_user.app: create",
		"aliram_delegated_user.employee: create",
	)
	out := r.operator.outputs()
	expectOutput(r.t, out, "operator_account_id", r.env.B.ID) // what B sends A
	expectOutput(r.t, out, "owner_role_arn", r.roleARN)
	expectOutput(r.t, out, "console_switch_role", map[string]any{"enterprise_alias_or_account_id": r.env.A.ID, "role_name": r.role})
	logons, _ := out["logon_names"].Value.(map[string]any)
	for key, user := range map[string]string{"employee": r.employee, "app": r.app} {
		s, _ := logons[key].(string)
		if err := logonName(r.env, user).CheckValue(s); err != nil {
			r.t.Errorf("output logon_names[%q]: %v", key, err)
		}
	}

	r.appKey = r.operator.accessKeyOf("aliram_delegated_user.app")
	if err := expectAssumeRoleRefused(r.t, r.env, r.appKey, r.roleARN, "", "NoPermission"); err != nil {
		r.t.Errorf("B's application without the external ID: %v", err)
	}
	if err := assumeRoleAs(r.t, r.env, r.appKey, r.roleARN, r.externalID, r.role); err != nil {
		r.t.Fatalf("B's application: %v", err)
	}
	session, err := r.env.AssumeRole(r.t, r.appKey, r.roleARN, r.externalID)
	if err != nil {
		r.t.Fatalf("B's application, a session to keep: %v", err)
	}
	r.liveSession = session
	// Using the delegation changes nothing in B's repository.
	r.operator.expectEmptyPlan()
}

// sessionWorks reports whether the live session B's application got before any destroy still acts as A's role.
func (r *twoRepos) sessionWorks() error {
	r.t.Helper()
	_, err := r.env.STS(r.t, r.liveSession).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	return err
}

// operatorUsersExist fails unless both of B's users are in B's account and the state still grants them A's
// role ARN.
func (r *twoRepos) operatorUsersExist() {
	r.t.Helper()
	for _, u := range []string{r.employee, r.app} {
		req := ram.CreateGetUserRequest()
		req.UserName = u
		if _, err := r.env.RAM(r.t, r.env.B).GetUser(req); err != nil {
			r.t.Errorf("B's user %s: %v", u, err)
		}
	}
	for _, addr := range []string{"aliram_delegated_user.employee", "aliram_delegated_user.app"} {
		arns, _ := r.operator.resourceValues(addr)["assumable_role_arns"].([]any)
		if len(arns) != 1 || arns[0] != r.roleARN {
			r.t.Errorf("%s grants %v in B's state, want [%s]", addr, arns, r.roleARN)
		}
	}
}

// accountEmpty fails unless the account holds nothing the delegation created: exactly nothing on the
// emulator; on real Alibaba Cloud, none of this run's users and roles.
func (r *twoRepos) accountEmpty(acct ramemu.Account) {
	r.t.Helper()
	if r.env.Emulator != nil {
		var only ramemu.StateDump
		for _, a := range r.env.Emulator.State().Accounts {
			if a.ID == acct.ID {
				only.Accounts = append(only.Accounts, a)
			}
		}
		if len(only.Accounts) != 1 {
			r.t.Fatalf("the emulator has no account %s", acct.ID)
		}
		if err := acctest.NothingLeft(only); err != nil {
			r.t.Error(err)
		}
		return
	}
	c := r.env.RAM(r.t, acct)
	for _, u := range []string{r.employee, r.app} {
		req := ram.CreateGetUserRequest()
		req.UserName = u
		if _, err := c.GetUser(req); err == nil || !strings.Contains(err.Error(), "EntityNotExist") {
			r.t.Errorf("account %s, user %s: want EntityNotExist, got %v", acct.ID, u, err)
		}
	}
	req := ram.CreateGetRoleRequest()
	req.RoleName = r.role
	if _, err := c.GetRole(req); err == nil || !strings.Contains(err.Error(), "EntityNotExist") {
		r.t.Errorf("account %s, role %s: want EntityNotExist, got %v", acct.ID, r.role, err)
	}
}

// A revokes first, by destroying its half: B's application cannot assume the role any more and its live
// session ends, while B's repository is untouched (its users exist, their grant still names A's role ARN, its
// plan is empty). Then B cleans up, and both accounts are empty. B names A's role by the ARN A output.
func TestScenarioTwoReposOwnerDestroysFirst(t *testing.T) {
	r := newTwoRepos(t)
	out := r.ownerApplies()
	r.operatorApplies(map[string]any{"owner_role_arn": out["role_arn"].Value})

	r.owner.destroy()
	r.accountEmpty(r.env.A)
	if err := expectAssumeRoleRefused(t, r.env, r.appKey, r.roleARN, r.externalID, "EntityNotExist.Role"); err != nil {
		t.Errorf("B's application after A's destroy: %v", err)
	}
	if err := r.sessionWorks(); err == nil || !strings.Contains(err.Error(), "InvalidSecurityToken") {
		t.Errorf("B's live session after A's destroy: want InvalidSecurityToken, got %v", err)
	}
	r.operatorUsersExist()
	r.operator.expectEmptyPlan()

	r.operator.destroy()
	r.accountEmpty(r.env.B)
	if err := r.env.CheckNothingLeft(t)(nil); err != nil {
		t.Error(err)
	}
	if err := expectAssumeRoleRefused(t, r.env, r.appKey, r.roleARN, r.externalID, "InvalidAccessKeyId"); err != nil {
		t.Errorf("B's application key after B's destroy: %v", err)
	}
}

// B cleans up first: B's users and keys are gone and A's role is untouched (A's plan is empty); a session
// issued before lives on until it expires, because deleting a user does not end sessions, and only A's
// destroy ends it. Then A destroys, and both accounts are empty. B names A's role by A's account ID and the
// role name, through provider::aliram::role_arn.
func TestScenarioTwoReposOperatorDestroysFirst(t *testing.T) {
	r := newTwoRepos(t)
	r.ownerApplies()
	r.operatorApplies(map[string]any{"owner_account_id": r.env.A.ID, "owner_role_name": r.role})

	r.operator.destroy()
	r.accountEmpty(r.env.B)
	if err := expectAssumeRoleRefused(t, r.env, r.appKey, r.roleARN, r.externalID, "InvalidAccessKeyId"); err != nil {
		t.Errorf("B's application key after B's destroy: %v", err)
	}
	if err := r.sessionWorks(); err != nil {
		t.Errorf("B's live session after B's destroy: %v (deleting a user does not end the sessions it obtained)", err)
	}
	r.owner.expectEmptyPlan()
	req := ram.CreateGetRoleRequest()
	req.RoleName = r.role
	if _, err := r.env.RAM(t, r.env.A).GetRole(req); err != nil {
		t.Errorf("A's role after B's destroy: %v", err)
	}

	r.owner.destroy()
	if err := r.sessionWorks(); err == nil || !strings.Contains(err.Error(), "InvalidSecurityToken") {
		t.Errorf("B's live session after A's destroy: want InvalidSecurityToken, got %v", err)
	}
	r.accountEmpty(r.env.A)
	if err := r.env.CheckNothingLeft(t)(nil); err != nil {
		t.Error(err)
	}
}

// B's repository refuses what A could not have sent: both ways of naming the role at once, neither, a user's
// ARN, or a role of B's own account. Each is caught while planning, before any API call.
func TestScenarioTwoReposOperatorInputChecks(t *testing.T) {
	r := newTwoRepos(t)
	for name, tc := range map[string]struct {
		vars map[string]any
		want string
	}{
		"both":            {map[string]any{"owner_role_arn": r.roleARN, "owner_account_id": r.env.A.ID}, "Set either owner_role_arn"},
		"neither":         {map[string]any{}, "Set either owner_role_arn"},
		"a user's ARN":    {map[string]any{"owner_role_arn": fmt.Sprintf("acs:ram::%s:user/alice", r.env.A.ID)}, "owner_role_arn must name a role"},
		"B's own role":    {map[string]any{"owner_role_arn": acctest.RoleARN(r.env.B.ID, r.role)}, "names a role of B's own account"},
		"B's own account": {map[string]any{"owner_account_id": r.env.B.ID}, "owner_account_id is B's own account ID"},
		"not an ARN":      {map[string]any{"owner_role_arn": r.role}, `Invalid value for "arn" parameter`},
		"bad account ID":  {map[string]any{"owner_account_id": "12345"}, `Invalid value for "account_id" parameter`},
	} {
		t.Run(name, func(t *testing.T) {
			v := map[string]any{}
			for k, x := range r.opVars {
				v[k] = x
			}
			for k, x := range tc.vars {
				v[k] = x
			}
			r.operator.setVariables(v)
			r.env.ResetCalls()
			_, err := r.operator.tf.Plan(ctx(t), tfexec.VarFile(r.operator.varFile))
			if err == nil || !strings.Contains(strings.Join(strings.Fields(err.Error()), " "), tc.want) {
				t.Errorf("plan: want an error containing %q, got %v", tc.want, err)
			}
			r.env.AssertNoAPICalls(t)
		})
	}
}
