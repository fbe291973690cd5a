package demo_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// newInlineModule is newRootModule for a root module written by the test instead of copied from
// examples/scenarios.
func newInlineModule(t *testing.T, files map[string]string) *rootModule {
	t.Helper()
	useMirror(t)
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tf, err := tfexec.NewTerraform(dir, os.Getenv("TF_ACC_TERRAFORM_PATH"))
	if err != nil {
		t.Fatal(err)
	}
	m := &rootModule{t: t, tf: tf, dir: dir, varFile: filepath.Join(dir, "test.tfvars.json")}
	m.setVariables(map[string]any{})
	if err := tf.Init(ctx(t)); err != nil {
		t.Fatalf("tofu init: %v", err)
	}
	return m
}

// The configuration a new user writes first: two aliased blocks, one per enterprise, and a policy document
// without `provider = ...` (it calls no API). The CLI then configures a default aliram block nobody wrote,
// without credentials; with the provider installed (one process per block, as for users) the plan and apply
// work, and the policy lands in A's account through the aliased block.
func TestScenarioDefaultProviderWithoutCredentials(t *testing.T) {
	env := acctest.New(t)
	m := newInlineModule(t, map[string]string{"main.tf": inlineModuleHeader + `variable "ram_endpoint" {
  type    = string
  default = null
}
variable "sts_endpoint" {
  type    = string
  default = null
}
` + enterpriseProviders + `
data "aliram_policy_document" "kafka_read" {
  statement {
    actions   = ["alikafka:GetInstanceList"]
    resources = ["acs:alikafka:*:${var.owner_account_id}:*"]
  }
}

resource "aliram_policy" "kafka_read" {
  provider = aliram.owner
  name     = "kafka-read"
  document = data.aliram_policy_document.kafka_read.json
}

output "operator_role_arn" {
  value = provider::aliram::role_arn(var.owner_account_id, "kafka-operators")
}
`})
	acctest.WithoutAmbientCredentials(t)
	m.setVariables(accountVariables(env))

	m.applyPlanned("aliram_policy.kafka_read: create")
	expectOutput(t, m.outputs(), "operator_role_arn", acctest.RoleARN(env.A.ID, "kafka-operators"))
	if got := len(env.Emulator.State().Accounts[0].Policies); got != 1 {
		t.Errorf("account A holds %d custom policies, want 1", got)
	}
	m.destroy()
	if err := env.CheckNothingLeft(t)(nil); err != nil {
		t.Error(err)
	}
}
