package demo_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// The first plan of the Kafka scenario as a reviewer reads it (`tofu plan`, the installed provider, two
// aliased blocks): everything that follows from the configuration and the two accounts is shown, and
// "(known after apply)" only stands for what RAM assigns when it creates something: IDs, dates, the
// AccessKey.

// kafkaFirstPlanUnknown is every "(known after apply)" the first plan may print, as <address>: <attribute>.
var kafkaFirstPlanUnknown = []string{
	"aliram_cross_account_role.kafka: create_date",
	"aliram_cross_account_role.kafka: role_id",
	"aliram_delegated_user.app: access_key_create_date",
	"aliram_delegated_user.app: access_key_id",
	"aliram_delegated_user.app: create_date",
	"aliram_delegated_user.app: id",
	"aliram_delegated_user.app: user_id",
	"aliram_delegated_user.employee: create_date",
	"aliram_delegated_user.employee: id",
	"aliram_delegated_user.employee: user_id",
	"output: app_access_key_id",
}

var (
	planHeader  = regexp.MustCompile(`^\s*# (\S+) will be created`)
	planUnknown = regexp.MustCompile(`^\s*[+~]?\s*"?([A-Za-z0-9_.-]+)"?\s*=\s*\(known after apply\)`)
)

// unknownInPlan lists the "(known after apply)" of a human-readable plan, by resource address and attribute.
func unknownInPlan(text string) []string {
	var out []string
	addr := ""
	for _, line := range strings.Split(text, "\n") {
		if m := planHeader.FindStringSubmatch(line); m != nil {
			addr = m[1]
			continue
		}
		if strings.HasPrefix(line, "Changes to Outputs:") {
			addr = "output"
			continue
		}
		if m := planUnknown.FindStringSubmatch(line); m != nil {
			out = append(out, addr+": "+m[1])
		} else if strings.Contains(line, "(known after apply)") {
			out = append(out, addr+": ?"+strings.TrimSpace(line))
		}
	}
	sort.Strings(out)
	return out
}

func TestScenarioKafkaFirstPlanKnown(t *testing.T) {
	env := acctest.New(t)
	m := newRootModule(t, "kafka")
	role := scenarioName("kafka-operators")
	employee, app := scenarioName("kafka-ops-alice"), scenarioName("kafka-ops-automation")
	v := accountVariables(env)
	v["role_name"] = role
	v["app_name"] = app
	v["employee"] = map[string]any{"name": employee, "display_name": "Alice (Kafka ops)", "email": "alice@enterprise-b.example"}
	v["employee_initial_password"] = password()
	v["external_id"] = "kafka-contract-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-")
	v["contract_end"] = time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second).Format(time.RFC3339)
	m.setVariables(v)

	env.ResetCalls()
	text := m.planText()
	t.Logf("the first plan:\n%s", text)
	got := unknownInPlan(text)
	t.Logf("%d (known after apply): %v", len(got), got)
	if strings.Join(got, "\n") != strings.Join(kafkaFirstPlanUnknown, "\n") {
		t.Errorf("the first plan's (known after apply) are\n  %s\nwant only what RAM assigns:\n  %s",
			strings.Join(got, "\n  "), strings.Join(kafkaFirstPlanUnknown, "\n  "))
	}
	if n := strings.Count(text, "(known after apply)"); n != len(kafkaFirstPlanUnknown) {
		t.Errorf("%d (known after apply) in the plan, want %d", n, len(kafkaFirstPlanUnknown))
	}
	roleARN := acctest.RoleARN(env.A.ID, role)
	for _, want := range []string{
		`arn\s+= "` + regexp.QuoteMeta(roleARN) + `"`,
		`assumable_role_arns\s+= \[\s+\+ "` + regexp.QuoteMeta(roleARN) + `",`,
		`assume_role_policy_name\s+= "AssumeRole-` + regexp.QuoteMeta(app) + `"`,
		`arn\s+= "acs:ram::` + env.B.ID + `:user/` + regexp.QuoteMeta(employee) + `"`,
		`logon_name\s+= "` + regexp.QuoteMeta(employee) + `@[^"]+\.onaliyun\.com"`,
		`assume_role_policy_document\s+= jsonencode\(`,
	} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("the first plan does not show %s", want)
		}
	}
	if strings.Contains(text, "Warning:") {
		t.Errorf("the first plan warns")
	}
	// Both blocks set expected_account_id: the ARNs cost no call, so A's block calls nothing; B's alias (for
	// the logon names) is one GetAccountAlias, behind the guard's one GetCallerIdentity.
	if env.Emulator == nil {
		return
	}
	calls := env.Emulator.Stats().Calls
	t.Logf("RAM and STS calls of the first plan: %v", calls)
	if len(calls) > 2 || calls["Ram.GetAccountAlias"] > 1 || calls["Sts.GetCallerIdentity"] > 1 {
		t.Errorf("the first plan called %v, want at most one GetAccountAlias and one GetCallerIdentity (B's)", calls)
	}
}
