package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// The scenarios are applied by the CLI with the provider installed from a filesystem mirror, not served
// in-process (acctest.ProtoV6ProviderFactories). Each scenario configures two aliases of the provider
// (aliram.owner and aliram.operator); with a reattached in-process server both aliases share one server, and
// the framework keeps only the last ConfigureProvider, so resources of one account would run with the other
// account's client. Installed from a mirror, the CLI starts one provider process per alias, as it does for
// users.

var (
	mirrorOnce sync.Once
	mirrorDir  string
	mirrorErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if mirrorDir != "" {
		_ = os.RemoveAll(mirrorDir)
	}
	os.Exit(code)
}

// buildMirror builds the provider from this checkout once per test binary and lays it out as an unpacked
// filesystem mirror under both registry hosts (OpenTofu and Terraform resolve "aliram/aliram" differently).
func buildMirror() (string, error) {
	mirrorOnce.Do(func() {
		mirrorDir, mirrorErr = os.MkdirTemp("", "aliram-scenarios-")
		if mirrorErr != nil {
			return
		}
		root, err := filepath.Abs("../..")
		if err != nil {
			mirrorErr = err
			return
		}
		platform := runtime.GOOS + "_" + runtime.GOARCH
		first := ""
		for _, host := range []string{"registry.opentofu.org", "registry.terraform.io"} {
			dir := filepath.Join(mirrorDir, "mirror", host, "aliram", "aliram", "0.0.1", platform)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				mirrorErr = err
				return
			}
			bin := filepath.Join(dir, "terraform-provider-aliram")
			if first != "" {
				if mirrorErr = os.Link(first, bin); mirrorErr != nil {
					return
				}
				continue
			}
			// go test puts its own GOROOT/bin first on PATH.
			cmd := exec.Command("go", "build", "-o", bin, ".")
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				mirrorErr = fmt.Errorf("building the provider: %v\n%s", err, out)
				return
			}
			first = bin
		}
		cfg := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", filepath.Join(mirrorDir, "mirror"))
		mirrorErr = os.WriteFile(filepath.Join(mirrorDir, "cli.tfrc"), []byte(cfg), 0o644)
	})
	return filepath.Join(mirrorDir, "cli.tfrc"), mirrorErr
}

// useMirror points the CLI at the freshly built provider for the rest of the test. Call it after acctest.New,
// which sets the harness's own (empty) CLI configuration once per test binary.
func useMirror(t testing.TB) {
	t.Helper()
	cfg, err := buildMirror()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", cfg)
}

// accountVariables are the scenario variables every scenario shares: both accounts' IDs and keys, and the
// emulator as both endpoints (left unset on real Alibaba Cloud).
func accountVariables(env *acctest.Env) map[string]any {
	v := map[string]any{
		"owner_account_id":    env.A.ID,
		"owner_access_key":    env.A.AccessKeyID,
		"owner_secret_key":    env.A.AccessKeySecret,
		"operator_account_id": env.B.ID,
		"operator_access_key": env.B.AccessKeyID,
		"operator_secret_key": env.B.AccessKeySecret,
	}
	if env.URL != "" {
		v["ram_endpoint"] = env.URL
		v["sts_endpoint"] = env.URL
	}
	return v
}

// scenarioName is the scenario's default name on the emulator (each test has its own accounts) and a
// tfacc- name on real Alibaba Cloud, where the cleanup check looks only at that prefix.
func scenarioName(def string) string {
	if acctest.Real() {
		return acctest.RandomName(def)
	}
	return def
}

// password returns a fresh console password that satisfies RAM's default password policy.
func password() string {
	return "Pw-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-") + "-Aa1!"
}

// rootModule is one scenario applied by the CLI in a temporary copy of its directory, for the scenarios the
// terraform-plugin-testing harness cannot run: its legacy state shim, used on every step and before the final
// destroy, rejects resources created with for_each ("for_each is not supported").
type rootModule struct {
	t         testing.TB
	tf        *tfexec.Terraform
	dir       string
	varFile   string
	applied   bool
	destroyed bool
}

func newRootModule(t *testing.T, scenario string) *rootModule {
	t.Helper()
	useMirror(t)
	dir := filepath.Join(t.TempDir(), scenario)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("../../examples/scenarios", scenario, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in examples/scenarios/%s (%v)", scenario, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return initRootModule(t, dir)
}

// initRootModule runs `init` in dir, which holds a root module, and destroys what it made at the end of the
// test if the test did not.
func initRootModule(t testing.TB, dir string) *rootModule {
	t.Helper()
	tf, err := tfexec.NewTerraform(dir, os.Getenv("TF_ACC_TERRAFORM_PATH"))
	if err != nil {
		t.Fatal(err)
	}
	m := &rootModule{t: t, tf: tf, dir: dir, varFile: filepath.Join(dir, "test.tfvars.json")}
	if err := tf.Init(ctx(t)); err != nil {
		t.Fatalf("tofu init: %v", err)
	}
	// Revocation is part of every scenario; a failed test still destroys what it created.
	t.Cleanup(func() {
		if m.applied && !m.destroyed {
			if err := m.tf.Destroy(context.Background(), tfexec.VarFile(m.varFile)); err != nil {
				t.Errorf("cleanup destroy: %v", err)
			}
		}
	})
	return m
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

// setVariables writes the scenario's variables (secrets included) to a 0600 file only the CLI reads.
func (m *rootModule) setVariables(v map[string]any) {
	m.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(m.varFile, b, 0o600); err != nil {
		m.t.Fatal(err)
	}
}

// plan returns the planned changes (saved plan, read back as JSON).
func (m *rootModule) plan() *tfjson.Plan {
	m.t.Helper()
	out := filepath.Join(m.dir, "test.tfplan")
	if _, err := m.tf.Plan(ctx(m.t), tfexec.Out(out), tfexec.VarFile(m.varFile)); err != nil {
		m.t.Fatalf("plan: %v", err)
	}
	p, err := m.tf.ShowPlanFile(ctx(m.t), out)
	if err != nil {
		m.t.Fatalf("show plan: %v", err)
	}
	return p
}

func (m *rootModule) apply() {
	m.t.Helper()
	m.applied = true
	if err := m.tf.Apply(ctx(m.t), tfexec.VarFile(m.varFile)); err != nil {
		m.t.Fatalf("apply: %v", err)
	}
}

// expectEmptyPlan fails unless a fresh plan (with refresh) proposes nothing: no drift right after apply.
func (m *rootModule) expectEmptyPlan() {
	m.t.Helper()
	if changes := actions(m.plan()); len(changes) > 0 {
		m.t.Fatalf("the plan after apply is not empty: %v", changes)
	}
}

// applyPlanned expects the plan to change exactly the resources want names (see expectActions), applies it
// and expects the plan after to be empty.
func (m *rootModule) applyPlanned(want ...string) {
	m.t.Helper()
	expectActions(m.t, m.plan(), want...)
	m.apply()
	m.expectEmptyPlan()
}

func (m *rootModule) destroy() {
	m.t.Helper()
	if err := m.tf.Destroy(ctx(m.t), tfexec.VarFile(m.varFile)); err != nil {
		m.t.Fatalf("destroy: %v", err)
	}
	m.destroyed = true
}

// outputs returns the root module's outputs, decoded.
func (m *rootModule) outputs() map[string]output {
	m.t.Helper()
	raw, err := m.tf.Output(ctx(m.t))
	if err != nil {
		m.t.Fatalf("output: %v", err)
	}
	res := map[string]output{}
	for k, o := range raw {
		var v any
		if err := json.Unmarshal(o.Value, &v); err != nil {
			m.t.Fatalf("output %s: %v", k, err)
		}
		res[k] = output{Sensitive: o.Sensitive, Value: v}
	}
	return res
}

type output struct {
	Sensitive bool
	Value     any
}

// resourceValues returns the state attributes of one resource instance, by address.
func (m *rootModule) resourceValues(addr string) map[string]any {
	m.t.Helper()
	st, err := m.tf.Show(ctx(m.t))
	if err != nil {
		m.t.Fatalf("show: %v", err)
	}
	if st.Values == nil || st.Values.RootModule == nil {
		m.t.Fatalf("the state is empty, %s expected", addr)
	}
	for _, r := range st.Values.RootModule.Resources {
		if r.Address == addr {
			return r.AttributeValues
		}
	}
	m.t.Fatalf("%s is not in the state", addr)
	return nil
}

// accessKeyOf reads a delegated user's AccessKey from the state (never logged).
func (m *rootModule) accessKeyOf(addr string) acctest.Key {
	m.t.Helper()
	pa, _ := m.resourceValues(addr)["programmatic_access"].(map[string]any)
	id, _ := pa["access_key_id"].(string)
	secret, _ := pa["access_key_secret"].(string)
	if id == "" || secret == "" {
		m.t.Fatalf("%s has no AccessKey in the state", addr)
	}
	return acctest.Key{ID: id, Secret: secret}
}

// actions lists every resource change that is not a no-op, as "address: action".
func actions(p *tfjson.Plan) []string {
	var res []string
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
			continue
		}
		var a []string
		for _, x := range rc.Change.Actions {
			a = append(a, string(x))
		}
		res = append(res, rc.Address+": "+strings.Join(a, "+"))
	}
	sort.Strings(res)
	return res
}

// expectActions fails unless the plan changes exactly these resources, each in the given way.
func expectActions(t testing.TB, p *tfjson.Plan, want ...string) {
	t.Helper()
	sort.Strings(want)
	got := actions(p)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("planned changes:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// assumeRoleAs proves a delegated user's key really works: STS AssumeRole into A's role succeeds, and the
// session acts as that role (GetCallerIdentity). On real Alibaba Cloud a new key may take a few seconds to
// work, so it retries there.
func assumeRoleAs(t *testing.T, env *acctest.Env, key acctest.Key, roleARN, externalID, roleName string) error {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		session, err := env.AssumeRole(t, key, roleARN, externalID)
		if err == nil {
			return checkSession(t, env, session, roleName)
		}
		if !acctest.Real() || time.Now().After(deadline) {
			return fmt.Errorf("AssumeRole %s: %w", roleARN, err)
		}
		time.Sleep(2 * time.Second)
	}
}

func checkSession(t *testing.T, env *acctest.Env, session acctest.Key, roleName string) error {
	t.Helper()
	id, err := env.STS(t, session).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	if err != nil {
		return fmt.Errorf("GetCallerIdentity as the session: %w", err)
	}
	want := fmt.Sprintf("acs:ram::%s:assumed-role/%s/acctest", env.A.ID, strings.ToLower(roleName))
	if id.Arn != want {
		return fmt.Errorf("the session is %s, want %s", id.Arn, want)
	}
	return nil
}

// expectAssumeRoleRefused fails unless AssumeRole with key is refused with an error containing code.
func expectAssumeRoleRefused(t *testing.T, env *acctest.Env, key acctest.Key, roleARN, externalID, code string) error {
	t.Helper()
	_, err := env.AssumeRole(t, key, roleARN, externalID)
	if err == nil {
		return fmt.Errorf("AssumeRole %s succeeded, want %s", roleARN, code)
	}
	if !strings.Contains(err.Error(), code) {
		return fmt.Errorf("AssumeRole %s: want %s, got %v", roleARN, code, err)
	}
	return nil
}

// inlineModuleHeader starts a module written inline: the provider requirement and the two enterprises'
// account IDs and keys as variables (accountVariables gives their values).
const inlineModuleHeader = `
terraform {
  required_providers {
    aliram = { source = "aliram/aliram" }
  }
}

variable "owner_account_id" { type = string }
variable "owner_access_key" { type = string }
variable "owner_secret_key" {
  type      = string
  sensitive = true
}
variable "operator_account_id" { type = string }
variable "operator_access_key" { type = string }
variable "operator_secret_key" {
  type      = string
  sensitive = true
}
`

// enterpriseProviders are the module's two provider blocks, one per enterprise (aliases owner and operator),
// each bound to its account by expected_account_id; the module declares ram_endpoint and sts_endpoint.
var enterpriseProviders = enterpriseProvider("owner") + enterpriseProvider("operator")

func enterpriseProvider(alias string) string {
	return fmt.Sprintf(`
provider "aliram" {
  alias               = %[1]q
  expected_account_id = var.%[1]s_account_id
  access_key          = var.%[1]s_access_key
  secret_key          = var.%[1]s_secret_key
  endpoints {
    ram = var.ram_endpoint
    sts = var.sts_endpoint
  }
}
`, alias)
}
