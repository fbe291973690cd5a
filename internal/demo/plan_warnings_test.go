package demo_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// The plan-time warnings for widened access as a reviewer reads them: the human-readable `tofu plan` of the
// Kafka scenario, with the installed provider, after the kind of edits a pull request could hide in a diff.
// (The warnings themselves are tested one by one in internal/resources; this proves that the CLI shows them,
// with the resource's address.) The guide's "Reviewing a delegation plan" shows this plan.

// widenedEdits are the edits of examples/scenarios/kafka/main.tf: AdministratorAccess for A's role, and the
// application user's assumable_role_arns removed (so it gets AliyunSTSAssumeRoleAccess).
var widenedEdits = []struct{ old, new string }{
	{
		"  policy_name = \"AliyunKafkaFullAccess\"\n}\n",
		"  policy_name = \"AliyunKafkaFullAccess\"\n}\n\nresource \"aliram_role_policy_attachment\" \"admin\" {\n" +
			"  provider = aliram.owner\n\n  role_name   = aliram_cross_account_role.kafka.name\n" +
			"  policy_type = \"System\"\n  policy_name = \"AdministratorAccess\"\n}\n",
	},
	{
		"  comments            = \"Monitoring and automation for enterprise A's Kafka (contract ${var.contract_id})\"\n" +
			"  assumable_role_arns = [aliram_cross_account_role.kafka.arn]\n",
		"  comments            = \"Monitoring and automation for enterprise A's Kafka (contract ${var.contract_id})\"\n",
	},
}

func TestScenarioKafkaPlanWarnings(t *testing.T) {
	env := acctest.New(t)
	m := newRootModule(t, "kafka")
	role := scenarioName("kafka-operators")
	contractEnd := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second)
	v := accountVariables(env)
	v["role_name"] = role
	v["app_name"] = scenarioName("kafka-ops-automation")
	v["employee"] = map[string]any{"name": scenarioName("kafka-ops-alice"), "display_name": "Alice (Kafka ops)"}
	v["employee_initial_password"] = password()
	v["external_id"] = "kafka-contract-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-")
	v["contract_end"] = contractEnd.Format(time.RFC3339)
	m.setVariables(v)

	first := m.planText()
	if strings.Contains(first, "Widened access") {
		t.Errorf("the first plan of the delegation warns:\n%s", first)
	}
	m.apply()

	// The contract extended by a year, the external ID dropped, AdministratorAccess attached, the app user
	// left without assumable_role_arns.
	mainTF := filepath.Join(m.dir, "main.tf")
	original, err := os.ReadFile(mainTF)
	if err != nil {
		t.Fatal(err)
	}
	edited := string(original)
	for _, e := range widenedEdits {
		if !strings.Contains(edited, e.old) {
			t.Fatalf("examples/scenarios/kafka/main.tf no longer has %q: update widenedEdits", e.old)
		}
		edited = strings.Replace(edited, e.old, e.new, 1)
	}
	if err := os.WriteFile(mainTF, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	delete(v, "external_id")
	v["contract_end"] = contractEnd.AddDate(1, 0, 0).Format(time.RFC3339)
	m.setVariables(v)
	widened := m.planText()
	t.Logf("the widened plan:\n%s", widened)
	for _, want := range []struct{ summary, address string }{
		{`RAM role "` + role + `" no longer requires an external ID`, "aliram_cross_account_role.kafka"},
		{`RAM role "` + role + `" trust ends later`, "aliram_cross_account_role.kafka"},
		{`privileged policy AdministratorAccess attached to RAM role "` + role + `"`, "aliram_role_policy_attachment.admin"},
		{`may assume any role (AliyunSTSAssumeRoleAccess)`, "aliram_delegated_user.app"},
	} {
		// The CLI prints "Warning: <summary>", then "with <address>," and the configuration line.
		re := regexp.MustCompile(`Warning: Widened access: [^\n]*` + regexp.QuoteMeta(want.summary) + `[^\n]*\n\s*\n\s*with ` + regexp.QuoteMeta(want.address) + `,`)
		if !re.MatchString(widened) {
			t.Errorf("the plan does not warn %q on %s", want.summary, want.address)
		}
	}
	if n := strings.Count(widened, "Warning: Widened access"); n != 4 {
		t.Errorf("%d widened-access warnings, want 4", n)
	}
	if strings.Contains(widened, v["employee_initial_password"].(string)) {
		t.Error("the plan shows the employee's password")
	}

	// Narrowing is silent: the original configuration, the external ID back, the contract ending earlier.
	if err := os.WriteFile(mainTF, original, 0o644); err != nil {
		t.Fatal(err)
	}
	v["external_id"] = "kafka-contract-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-")
	v["contract_end"] = contractEnd.AddDate(0, -6, 0).Format(time.RFC3339)
	m.setVariables(v)
	narrowed := m.planText()
	if !strings.Contains(narrowed, "aliram_cross_account_role.kafka will be updated in-place") {
		t.Errorf("the narrowing plan does not update the role:\n%s", narrowed)
	}
	if strings.Contains(narrowed, "Widened access") {
		t.Errorf("a narrowing plan warns:\n%s", narrowed)
	}
	m.destroy()
}

// planText runs `tofu plan` and returns what it prints, as a reviewer reads it.
func (m *rootModule) planText() string {
	m.t.Helper()
	var out bytes.Buffer
	m.tf.SetStdout(&out)
	m.tf.SetStderr(&out)
	defer func() {
		m.tf.SetStdout(nil)
		m.tf.SetStderr(nil)
	}()
	if _, err := m.tf.Plan(ctx(m.t), tfexec.VarFile(m.varFile)); err != nil {
		m.t.Fatalf("plan: %v\n%s", err, out.String())
	}
	return out.String()
}
