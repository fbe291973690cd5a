package demo_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// The three delegation scenarios of examples/scenarios, applied as users apply them: two aliased provider
// blocks (enterprise A and enterprise B) in one root module, through the real CLI, against the test's own
// emulator. Each proves that B's delegated users really get into A's role, that a second plan is empty, and
// that destroy (the end of the contract) leaves nothing in either account.

// logonName is the console sign-in name of a user of account B.
func logonName(env *acctest.Env, user string) knownvalue.Check {
	if env.B.Alias != "" {
		return knownvalue.StringExact(user + "@" + env.B.Alias + ".onaliyun.com")
	}
	return knownvalue.StringRegexp(regexp.MustCompile(`^` + regexp.QuoteMeta(user) + `@[^@]+\.onaliyun\.com$`))
}

// expectLogonNames checks a map output of console sign-in names of B's users, by user name.
func expectLogonNames(t *testing.T, env *acctest.Env, out map[string]output, name string, users ...string) {
	t.Helper()
	got, _ := out[name].Value.(map[string]any)
	if len(got) != len(users) {
		t.Errorf("output %s = %v, want the logon names of %v", name, out[name].Value, users)
		return
	}
	for _, u := range users {
		s, _ := got[u].(string)
		if err := logonName(env, u).CheckValue(s); err != nil {
			t.Errorf("output %s[%q]: %v", name, u, err)
		}
	}
}

func toConfigVariables(v map[string]any) config.Variables {
	res := config.Variables{}
	for k, x := range v {
		res[k] = config.StringVariable(x.(string))
	}
	return res
}

// TestScenarioKafka applies examples/scenarios/kafka (seed 000) with terraform-plugin-testing: A's role with
// AliyunKafkaFullAccess, trusting B's account with an external ID until the contract ends; B's console
// employee and its application user with an AccessKey.
func TestScenarioKafka(t *testing.T) {
	env := acctest.New(t)
	useMirror(t)

	role := scenarioName("kafka-operators")
	employee := scenarioName("kafka-ops-alice")
	app := scenarioName("kafka-ops-automation")
	roleARN := acctest.RoleARN(env.A.ID, role)
	externalID := "kafka-contract-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-")
	contractEnd := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second).Format(time.RFC3339)

	vars := func(passwordVersion int, pw string) config.Variables {
		v := toConfigVariables(accountVariables(env))
		v["role_name"] = config.StringVariable(role)
		v["app_name"] = config.StringVariable(app)
		v["contract_end"] = config.StringVariable(contractEnd)
		v["external_id"] = config.StringVariable(externalID)
		v["employee"] = config.ObjectVariable(map[string]config.Variable{
			"name":         config.StringVariable(employee),
			"display_name": config.StringVariable("Alice (Kafka ops)"),
			"email":        config.StringVariable("alice@enterprise-b.example"),
		})
		v["employee_initial_password"] = config.StringVariable(pw)
		v["employee_password_version"] = config.IntegerVariable(passwordVersion)
		return v
	}
	dir := config.StaticDirectory("../../examples/scenarios/kafka")
	resources := []string{"aliram_cross_account_role.kafka", "aliram_role_policy_attachment.kafka_full_access",
		"aliram_delegated_user.employee", "aliram_delegated_user.app"}

	var appKey acctest.Key
	resource.Test(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{
			{
				ConfigDirectory:  dir,
				ConfigVariables:  vars(1, password()),
				ConfigPlanChecks: plannedActions(resources, plancheck.ResourceActionCreate, nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("role_arn", knownvalue.StringExact(roleARN)),
					statecheck.ExpectKnownOutputValue("console_switch_role", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"enterprise_alias_or_account_id": knownvalue.StringExact(env.A.ID),
						"role_name":                      knownvalue.StringExact(role),
					})),
					statecheck.ExpectKnownOutputValue("logon_names", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"employee": logonName(env, employee),
						"app":      logonName(env, app),
					})),
					statecheck.ExpectKnownOutputValue("app_access_key_id", knownvalue.NotNull()),
					statecheck.ExpectKnownOutputValue("contract_end", knownvalue.StringExact(contractEnd)),
					// Least privilege in B: a managed policy allowing sts:AssumeRole on A's role only.
					statecheck.ExpectKnownValue("aliram_delegated_user.app", tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact("AssumeRole-"+app)),
					statecheck.ExpectKnownValue("aliram_delegated_user.app", tfjsonpath.New("assume_role_policy_type"), knownvalue.StringExact("Custom")),
					statecheck.ExpectSensitiveValue("aliram_delegated_user.app", tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret")),
					// The employee's password is write-only: never in the state.
					statecheck.ExpectKnownValue("aliram_delegated_user.employee", tfjsonpath.New("console_login").AtMapKey("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue("aliram_delegated_user.employee", tfjsonpath.New("programmatic_access"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					rs, ok := s.RootModule().Resources["aliram_delegated_user.app"]
					if !ok {
						return fmt.Errorf("aliram_delegated_user.app is not in the state")
					}
					appKey = acctest.Key{
						ID:     rs.Primary.Attributes["programmatic_access.access_key_id"],
						Secret: rs.Primary.Attributes["programmatic_access.access_key_secret"],
					}
					if appKey.ID == "" || appKey.Secret == "" {
						return fmt.Errorf("the app user has no AccessKey in the state")
					}
					// The trust policy demands the contract's external ID.
					if err := expectAssumeRoleRefused(t, env, appKey, roleARN, "", "NoPermission"); err != nil {
						return fmt.Errorf("without the external ID: %w", err)
					}
					return assumeRoleAs(t, env, appKey, roleARN, externalID, role)
				},
			},
			{
				// A new initial password for the employee (write-only, so its version changes): only that user
				// is updated, in place; A's side is untouched.
				ConfigDirectory: dir,
				ConfigVariables: vars(2, password()),
				ConfigPlanChecks: plannedActions(resources, plancheck.ResourceActionNoop,
					map[string]plancheck.ResourceActionType{"aliram_delegated_user.employee": plancheck.ResourceActionUpdate}),
			},
		},
		// The end of the contract: nothing is left in either account, and B's application key is dead.
		CheckDestroy: func(s *terraform.State) error {
			if err := env.CheckNothingLeft(t)(s); err != nil {
				return err
			}
			return expectAssumeRoleRefused(t, env, appKey, roleARN, externalID, "InvalidAccessKeyId")
		},
	})
}

// plannedActions are the plan checks of a step whose plan does action to each of addrs (what others says
// instead, for an address in it) and whose plan after apply and refresh is empty.
func plannedActions(addrs []string, action plancheck.ResourceActionType, others map[string]plancheck.ResourceActionType) resource.ConfigPlanChecks {
	var pre []plancheck.PlanCheck
	for _, addr := range addrs {
		a := action
		if o, ok := others[addr]; ok {
			a = o
		}
		pre = append(pre, plancheck.ExpectResourceAction(addr, a))
	}
	return resource.ConfigPlanChecks{PreApply: pre, PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// TestScenarioRocketMQ applies examples/scenarios/rocketmq (seeds 001 and 003): a least-privilege custom
// policy on one instance, topic and group plus AliyunMQReadOnlyAccess; B's console employee and two
// applications that each assume A's role with their own AccessKey.
func TestScenarioRocketMQ(t *testing.T) {
	env := acctest.New(t)
	m := newRootModule(t, "rocketmq")

	role := scenarioName("rocketmq-orders-partner")
	employee := scenarioName("mq-ops-bob")
	apps := []string{scenarioName("orders-producer"), scenarioName("orders-consumer")}
	roleARN := acctest.RoleARN(env.A.ID, role)
	ecsRole := scenarioName("orders-on-ecs") // seed 003's method 2: an application on ECS, no AccessKey

	v := accountVariables(env)
	v["role_name"] = role
	v["contract_end"] = time.Now().UTC().AddDate(0, 6, 0).Truncate(time.Second).Format(time.RFC3339)
	v["operator_employee"] = map[string]any{"name": employee, "display_name": "Bob (messaging ops)"}
	v["employee_initial_password"] = password()
	v["apps"] = apps
	v["ecs_apps"] = []string{ecsRole}
	m.setVariables(v)

	m.applyPlanned(
		"aliram_cross_account_role.rocketmq: create",
		fmt.Sprintf("aliram_delegated_role.ecs_app[%q]: create", ecsRole),
		"aliram_policy.orders: create",
		"aliram_role_policy_attachment.orders: create",
		"aliram_role_policy_attachment.read_only: create",
		"aliram_delegated_user.employee: create",
		fmt.Sprintf("aliram_delegated_user.app[%q]: create", apps[0]),
		fmt.Sprintf("aliram_delegated_user.app[%q]: create", apps[1]),
	)

	out := m.outputs()
	expectOutput(t, out, "role_arn", roleARN)
	expectOutput(t, out, "console_switch_role", map[string]any{"enterprise_alias_or_account_id": env.A.ID, "role_name": role})
	expectLogonNames(t, env, out, "logon_names", employee, apps[0], apps[1])
	if ids, _ := out["app_access_key_ids"].Value.(map[string]any); len(ids) != 2 {
		t.Errorf("app_access_key_ids = %v, want one key ID per app", out["app_access_key_ids"].Value)
	}
	if !out["app_access_key_secrets"].Sensitive {
		t.Error("app_access_key_secrets is not a sensitive output")
	}

	// The custom policy reaches exactly the instance, the topic and the group of A's account.
	doc, _ := out["policy_document"].Value.(string)
	var policy struct {
		Statement []struct{ Resource []string }
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		t.Fatalf("policy_document is not JSON: %v", err)
	}
	instance := fmt.Sprintf("acs:mq:*:%s:MQ_INST_1234567890123456_BXhdqr7c", env.A.ID)
	var resources []string
	for _, st := range policy.Statement {
		resources = append(resources, st.Resource...)
	}
	wantResources := []string{instance, instance + "%orders", instance + "%GID_orders_enterprise_b"}
	if strings.Join(resources, " ") != strings.Join(wantResources, " ") {
		t.Errorf("policy resources = %v, want %v", resources, wantResources)
	}

	// A's role carries the custom policy and the read-only system policy, nothing else.
	lr := ram.CreateListPoliciesForRoleRequest()
	lr.RoleName = role
	attached, err := env.RAM(t, env.A).ListPoliciesForRole(lr)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range attached.Policies.Policy {
		got = append(got, p.PolicyType+":"+p.PolicyName)
	}
	if want := []string{"Custom:" + role + "-access", "System:AliyunMQReadOnlyAccess"}; !sameSet(got, want) {
		t.Errorf("policies of A's role = %v, want %v", got, want)
	}

	// Seed 003, method 1: each application gets STS credentials of A's role with its own AccessKey.
	keys := map[string]acctest.Key{}
	for _, a := range apps {
		keys[a] = m.accessKeyOf(fmt.Sprintf("aliram_delegated_user.app[%q]", a))
		if err := assumeRoleAs(t, env, keys[a], roleARN, "", role); err != nil {
			t.Errorf("application user %s: %v", a, err)
		}
	}

	// Seed 003, method 2: the application on B's ECS instance, with the instance role's credentials only.
	expectOutput(t, out, "ecs_instance_role_names", map[string]any{ecsRole: ecsRole})
	app := buildECSApp(t, env)
	vm, err := env.ECSInstance(t, ecsRole)
	if err != nil {
		t.Fatalf("attaching B's role to an ECS instance: %v", err)
	}
	if who, err := app.run(vm, roleARN); err != nil {
		t.Errorf("ECS application: %v", err)
	} else if want := "acs:ram::" + env.A.ID + ":assumed-role/" + strings.ToLower(role) + "/orders-producer"; who != want {
		t.Errorf("ECS application acts as %s, want %s", who, want)
	}

	m.destroy()
	if err := env.CheckNothingLeft(t)(nil); err != nil {
		t.Error(err)
	}
	for a, k := range keys {
		if err := expectAssumeRoleRefused(t, env, k, roleARN, "", "InvalidAccessKeyId"); err != nil {
			t.Errorf("application user %s after destroy: %v", a, err)
		}
	}
	if who, err := app.run(vm, roleARN); err == nil {
		t.Errorf("ECS application still acts as %s after destroy", who)
	}
}

// TestScenarioAKS applies examples/scenarios/aks (seed 002): A's role with AliyunSOFAFullAccess; B's console
// employees (a for_each map) and its deployment pipeline. Then B hires and lets go of staff without anything
// changing on A's side: adding an employee creates only that user, removing one destroys only that user.
func TestScenarioAKS(t *testing.T) {
	env := acctest.New(t)
	m := newRootModule(t, "aks")

	role := scenarioName("aks-operations-enterprise-b")
	ci := scenarioName("aks-deploy-pipeline")
	carol, dave, erin := scenarioName("aks-ops-carol"), scenarioName("aks-ops-dave"), scenarioName("aks-ops-erin")
	roleARN := acctest.RoleARN(env.A.ID, role)

	v := accountVariables(env)
	v["role_name"] = role
	v["ci_user_name"] = ci
	setEmployees := func(names ...string) {
		employees, passwords := map[string]any{}, map[string]any{}
		for _, n := range names {
			employees[n] = map[string]any{"display_name": "AKS ops " + n}
			passwords[n] = password()
		}
		v["employees"] = employees
		v["employee_initial_passwords"] = passwords
		m.setVariables(v)
	}
	employeeAddr := func(n string) string { return fmt.Sprintf("aliram_delegated_user.employee[%q]", n) }

	setEmployees(carol, dave)
	m.applyPlanned(
		"aliram_cross_account_role.aks: create",
		`aliram_role_policy_attachment.sofa["AliyunSOFAFullAccess"]: create`,
		employeeAddr(carol)+": create",
		employeeAddr(dave)+": create",
		"aliram_delegated_user.ci: create",
	)

	out := m.outputs()
	expectOutput(t, out, "role_arn", roleARN)
	expectOutput(t, out, "console_switch_role", map[string]any{"enterprise_alias_or_account_id": env.A.ID, "role_name": role})
	expectLogonNames(t, env, out, "logon_names", carol, dave, ci)
	if !out["ci_access_key_secret"].Sensitive {
		t.Error("ci_access_key_secret is not a sensitive output")
	}
	if got := fmt.Sprint(m.resourceValues("aliram_cross_account_role.aks")["max_session_duration"]); got != "7200" {
		t.Errorf("max_session_duration = %v, want 7200", got)
	}
	ciKey := m.accessKeyOf("aliram_delegated_user.ci")
	if err := assumeRoleAs(t, env, ciKey, roleARN, "", role); err != nil {
		t.Fatalf("the pipeline user: %v", err)
	}

	// B hires Erin: one new user in B, nothing else.
	setEmployees(carol, dave, erin)
	m.applyPlanned(employeeAddr(erin) + ": create")

	// Carol leaves: only her user goes, with everything it held.
	setEmployees(dave, erin)
	m.applyPlanned(employeeAddr(carol) + ": delete")
	gu := ram.CreateGetUserRequest()
	gu.UserName = carol
	if _, err := env.RAM(t, env.B).GetUser(gu); err == nil || !strings.Contains(err.Error(), "EntityNotExist") {
		t.Errorf("user %s after removal: want EntityNotExist, got %v", carol, err)
	}
	if err := assumeRoleAs(t, env, ciKey, roleARN, "", role); err != nil {
		t.Errorf("the pipeline user after the staff changes: %v", err)
	}

	m.destroy()
	if err := env.CheckNothingLeft(t)(nil); err != nil {
		t.Error(err)
	}
	if err := expectAssumeRoleRefused(t, env, ciKey, roleARN, "", "InvalidAccessKeyId"); err != nil {
		t.Errorf("the pipeline user after destroy: %v", err)
	}
}

// expectOutput compares an output's decoded JSON value.
func expectOutput(t *testing.T, out map[string]output, name string, want any) {
	t.Helper()
	o, ok := out[name]
	if !ok {
		t.Errorf("output %s is missing", name)
		return
	}
	g, _ := json.Marshal(o.Value)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("output %s = %s, want %s", name, g, w)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		if seen[x] == 0 {
			return false
		}
		seen[x]--
	}
	return true
}
