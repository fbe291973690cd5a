package resources_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// What the plan knows: the first plan of a two-account delegation shows every value that follows from the
// configuration and the accounts (ARNs, logon names, the managed policy and its document, the roles B's users
// get), leaves what the configuration does not set null, and keeps "(known after apply)" for what RAM assigns.

// planCallsCheck runs after the plan, before apply: it records what the plan cost the emulator.
type planCallsCheck struct {
	e     *acctest.Env
	calls *map[string]int64
}

func (c planCallsCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	*c.calls = c.e.Emulator.Stats().Calls
}

func TestAccPlanKnown_twoAccountDelegation(t *testing.T) {
	e := acctest.New(t)
	e.NeedsEmulator(t, "counts the plan's calls on the emulator")
	roleName, employee, app := acctest.RandomName("kafka"), acctest.RandomName("alice"), acctest.RandomName("app")
	roleARN := acctest.RoleARN(e.A.ID, roleName)
	doc, err := policy.RenderPolicy([]policy.Statement{{Effect: "Allow", Actions: []string{"sts:AssumeRole"}, Resources: []string{roleARN}}})
	if err != nil {
		t.Fatal(err)
	}
	logon := func(user string) string { return user + "@" + e.B.Alias + ".onaliyun.com" }
	if e.B.Alias == "" {
		logon = func(user string) string { return user + "@" + e.B.ID + ".onaliyun.com" }
	}
	config := e.ProviderConfig() + roleHCL("kafka", roleName, e.B.ID, "force_detach_policies = true") +
		attachmentHCL("kafka", "kafka", "System", `"AliyunKafkaFullAccess"`) + fmt.Sprintf(`
resource "aliram_delegated_user" "employee" {
  provider            = aliramb
  name                = %q
  display_name        = "Alice"
  assumable_role_arns = [aliram_cross_account_role.kafka.arn]
  console_login       = { password = "Plan-Kn0wn-Passw0rd" }
}

resource "aliram_delegated_user" "app" {
  provider            = aliramb
  name                = %q
  assumable_role_arns = [aliram_cross_account_role.kafka.arn]
  programmatic_access = {}
}
`, employee, app)

	role, attachment := "aliram_cross_account_role.kafka", "aliram_role_policy_attachment.kafka"
	emp, ap := "aliram_delegated_user.employee", "aliram_delegated_user.app"
	at := func(name string) tfjsonpath.Path { return tfjsonpath.New(name) }
	str := knownvalue.StringExact
	checks := []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(role, at("id"), str(roleName)),
		plancheck.ExpectKnownValue(role, at("arn"), str(roleARN)),
		plancheck.ExpectKnownValue(role, at("description"), knownvalue.Null()),
		plancheck.ExpectUnknownValue(role, at("role_id")),
		plancheck.ExpectUnknownValue(role, at("create_date")),
		plancheck.ExpectKnownValue(attachment, at("id"), str(roleName+":System:AliyunKafkaFullAccess")),
	}
	for _, u := range []struct{ addr, name string }{{emp, employee}, {ap, app}} {
		checks = append(checks,
			plancheck.ExpectKnownValue(u.addr, at("arn"), str("acs:ram::"+e.B.ID+":user/"+u.name)),
			plancheck.ExpectKnownValue(u.addr, at("logon_name"), str(logon(u.name))),
			plancheck.ExpectKnownValue(u.addr, at("assumable_role_arns"), knownvalue.SetExact([]knownvalue.Check{str(roleARN)})),
			plancheck.ExpectKnownValue(u.addr, at("assume_role_policy_name"), str("AssumeRole-"+u.name)),
			plancheck.ExpectKnownValue(u.addr, at("assume_role_policy_type"), str("Custom")),
			plancheck.ExpectKnownValue(u.addr, at("assume_role_policy_document"), str(doc)),
			plancheck.ExpectKnownValue(u.addr, at("email"), knownvalue.Null()),
			plancheck.ExpectKnownValue(u.addr, at("mobile_phone"), knownvalue.Null()),
			plancheck.ExpectKnownValue(u.addr, at("comments"), knownvalue.Null()),
			plancheck.ExpectUnknownValue(u.addr, at("id")),
			plancheck.ExpectUnknownValue(u.addr, at("user_id")),
			plancheck.ExpectUnknownValue(u.addr, at("create_date")),
		)
	}
	checks = append(checks,
		plancheck.ExpectKnownValue(emp, at("display_name"), str("Alice")),
		plancheck.ExpectKnownValue(ap, at("display_name"), knownvalue.Null()),
		plancheck.ExpectUnknownValue(ap, at("programmatic_access").AtMapKey("access_key_id")),
		plancheck.ExpectKnownValue(ap, at("programmatic_access").AtMapKey("access_key_secret_encrypted"), knownvalue.Null()),
	)
	var planCalls map[string]int64
	checks = append(checks, planCallsCheck{e, &planCalls})

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			PreConfig: e.ResetCalls,
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             checks,
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				// Neither block sets expected_account_id: one GetCallerIdentity each, and B's alias once.
				t.Logf("the first plan's calls: %v", planCalls)
				if planCalls["Sts.GetCallerIdentity"] > 2 || planCalls["Ram.GetAccountAlias"] > 1 {
					return fmt.Errorf("the first plan called %v: want at most one GetCallerIdentity per provider block and one GetAccountAlias", planCalls)
				}
				return nil
			},
		},
	})
}

// firstPlanUnknown pins every attribute allowed to be unknown in the first plan of a delegation: what RAM
// assigns when it creates the role, the user and its AccessKey. Anything else unknown hides the delegation
// from its reviewer.
var firstPlanUnknown = map[string][]string{
	"aliram_cross_account_role":                {`AttributeName("create_date")`, `AttributeName("role_id")`},
	"aliram_role_policy_attachment":            nil,
	"aliram_role_policy_attachments_exclusive": nil,
	"aliram_delegated_user": {`AttributeName("create_date")`, `AttributeName("id")`,
		`AttributeName("programmatic_access").AttributeName("access_key_create_date")`,
		`AttributeName("programmatic_access").AttributeName("access_key_id")`,
		`AttributeName("programmatic_access").AttributeName("access_key_secret")`, `AttributeName("user_id")`},
	"aliram_delegated_role": {`AttributeName("create_date")`, `AttributeName("role_id")`},
}

// TestFirstPlanUnknown plans the creation of each resource of a delegation over the provider's gRPC interface
// (one provider server per account, as the CLI runs them), with the role's planned ARN fed to the user as
// Terraform does, and compares what is unknown with firstPlanUnknown.
func TestFirstPlanUnknown(t *testing.T) {
	accounts, _, hs := startEmulator(t)
	ctx := context.Background()
	serverA, schemasA := configuredProvider(t, ctx, hs.URL, accounts[0])
	serverB, schemasB := configuredProvider(t, ctx, hs.URL, accounts[1])
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	strSet := func(items ...tftypes.Value) tftypes.Value {
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, items)
	}
	plan := func(server tfprotov6.ProviderServer, schemas *tfprotov6.GetProviderSchemaResponse, typeName string, attrs map[string]tftypes.Value) tftypes.Value {
		t.Helper()
		planned, unknown, diags := planCreate(t, server, schemas, typeName, attrs)
		for _, d := range diags {
			t.Errorf("%s: plan diagnostic %q: %s", typeName, d.Summary, d.Detail)
		}
		if strings.Join(unknown, " ") != strings.Join(firstPlanUnknown[typeName], " ") {
			t.Errorf("%s: unknown at first plan\n  %v\nallowed\n  %v", typeName, unknown, firstPlanUnknown[typeName])
		}
		return planned
	}

	role := plan(serverA, schemasA, "aliram_cross_account_role", map[string]tftypes.Value{
		"name": str("kafka-operators"), "trusted_account_ids": strSet(str(accounts[1].ID)), "valid_until": str("2030-01-01T00:00:00Z"),
	})
	var roleAttrs map[string]tftypes.Value
	if err := role.As(&roleAttrs); err != nil {
		t.Fatal(err)
	}
	roleName := str("kafka-operators") // a reference to the role's name is its configured value
	plan(serverA, schemasA, "aliram_role_policy_attachment", map[string]tftypes.Value{
		"role_name": roleName, "policy_type": str("System"), "policy_name": str("AliyunKafkaFullAccess"),
	})
	plan(serverA, schemasA, "aliram_role_policy_attachments_exclusive", map[string]tftypes.Value{
		"role_name": roleName, "system_policies": strSet(str("AliyunKafkaFullAccess")),
	})
	userType := schemasB.ResourceSchemas["aliram_delegated_user"].ValueType().(tftypes.Object)
	plan(serverB, schemasB, "aliram_delegated_user", map[string]tftypes.Value{
		"name":                str("kafka-ops-automation"),
		"assumable_role_arns": strSet(roleAttrs["arn"]), // the role's planned arn, as Terraform passes it on
		"programmatic_access": objectValue(userType.AttributeTypes["programmatic_access"].(tftypes.Object), nil),
	})
	plan(serverB, schemasB, "aliram_delegated_role", map[string]tftypes.Value{
		"name":                str("kafka-ecs-app"),
		"assumable_role_arns": strSet(roleAttrs["arn"]),
	})
}

// planCreate is PlanResourceChange for a new resource with the configuration attrs: the planned state, the
// paths unknown in it (sorted), and the diagnostics (an error fails the test).
func planCreate(t *testing.T, server tfprotov6.ProviderServer, schemas *tfprotov6.GetProviderSchemaResponse, typeName string, attrs map[string]tftypes.Value) (tftypes.Value, []string, []*tfprotov6.Diagnostic) {
	t.Helper()
	typ := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
	config, prior := dynamicValue(t, typ, objectValue(typ, attrs)), dynamicValue(t, typ, tftypes.NewValue(typ, nil))
	resp, err := server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: &prior, ProposedNewState: &config, Config: &config})
	if err != nil || diagErr(resp.Diagnostics) != nil {
		t.Fatalf("PlanResourceChange %s: %v %v", typeName, err, diagErr(resp.Diagnostics))
	}
	planned, err := resp.PlannedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var unknown []string
	_ = tftypes.Walk(planned, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if !v.IsKnown() {
			unknown = append(unknown, p.String())
			return false, nil
		}
		return true, nil
	})
	sort.Strings(unknown)
	return planned, unknown, resp.Diagnostics
}

// TestFirstPlanWithoutCredentials: a provider block without credentials still plans what needs no call (the
// ARNs, from expected_account_id), and leaves the logon name, which needs the account alias, unknown with a
// warning on it instead of failing the plan.
func TestFirstPlanWithoutCredentials(t *testing.T) {
	for _, v := range []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE", "ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_ECS_METADATA",
	} {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir())
	hs := httptest.NewServer(http.NotFoundHandler()) // never called
	defer hs.Close()
	const account = "1000000000000002"
	server, schemas := configuredProviderWith(t, context.Background(), hs.URL, map[string]tftypes.Value{
		"expected_account_id": tftypes.NewValue(tftypes.String, account),
	})
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	planned, unknown, diags := planCreate(t, server, schemas, "aliram_delegated_user", map[string]tftypes.Value{
		"name": str("alice"),
		"assumable_role_arns": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
			[]tftypes.Value{str("acs:ram::1000000000000001:role/kafka-operators")}),
	})
	var attrs map[string]tftypes.Value
	if err := planned.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var arn string
	if err := attrs["arn"].As(&arn); err != nil || arn != "acs:ram::"+account+":user/alice" {
		t.Errorf("arn planned as %v (%v), want it from expected_account_id", attrs["arn"], err)
	}
	want := []string{`AttributeName("create_date")`, `AttributeName("id")`, `AttributeName("logon_name")`, `AttributeName("user_id")`}
	if strings.Join(unknown, " ") != strings.Join(want, " ") {
		t.Errorf("unknown: %v, want %v", unknown, want)
	}
	for _, d := range diags {
		t.Logf("%v %q: %s", d.Severity, d.Summary, d.Detail)
	}
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning || diags[0].Summary != "logon_name not known at plan" ||
		!strings.Contains(diags[0].Detail, "no credentials") {
		t.Errorf("want one warning on logon_name naming the missing credentials")
	}

	planned, _, diags = planCreate(t, server, schemas, "aliram_cross_account_role", map[string]tftypes.Value{
		"name": str("kafka-operators"), "trusted_account_ids": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("1000000000000001")}),
	})
	if err := planned.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if err := attrs["arn"].As(&arn); err != nil || arn != "acs:ram::"+account+":role/kafka-operators" || len(diags) != 0 {
		t.Errorf("role arn planned as %v (%v), diagnostics %v", attrs["arn"], err, diags)
	}
}
