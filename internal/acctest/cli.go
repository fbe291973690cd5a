package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

var (
	cliOnce sync.Once
	cliErr  error
	// cliHasIdentity: the CLI under test stores resource identities (Terraform and OpenTofu 1.12+).
	cliHasIdentity = true
)

// setupCLI sets every variable terraform-plugin-testing relies on, explicitly, once per test binary:
//   - TF_ACC_TERRAFORM_PATH: the absolute path of bin/tofu (or of terraform with ALIRAM_ACC_CLI=terraform),
//     so no CLI is ever looked up on PATH or downloaded;
//   - TF_ACC_PROVIDER_HOST / _NAMESPACE: the address the in-process provider is reattached under;
//   - TF_CLI_CONFIG_FILE: an existing, empty file (these machines export a path that does not exist, which
//     makes the CLI print a warning that breaks version detection);
//   - TF_ACC=1: the emulator makes acceptance tests cheap, so they always run.
func setupCLI() error {
	cliOnce.Do(func() { cliErr = doSetupCLI() })
	return cliErr
}

func doSetupCLI() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	host := "registry.opentofu.org"
	var bin string
	switch os.Getenv("ALIRAM_ACC_CLI") {
	case "", "tofu":
		bin = filepath.Join(root, "bin", "tofu")
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("the OpenTofu CLI is not built: run `make tofu` (it builds %s from the Go module proxy); %v", bin, err)
		}
	case "terraform":
		host = "registry.terraform.io"
		if bin, err = exec.LookPath("terraform"); err != nil {
			return fmt.Errorf("ALIRAM_ACC_CLI=terraform but no terraform on PATH: %v", err)
		}
		if bin, err = filepath.Abs(bin); err != nil {
			return err
		}
		minor, err := requireTerraform111(bin)
		if err != nil {
			return err
		}
		cliHasIdentity = minor >= 12
	default:
		return fmt.Errorf("ALIRAM_ACC_CLI must be tofu or terraform, not %q", os.Getenv("ALIRAM_ACC_CLI"))
	}

	cfgDir := filepath.Join(os.TempDir(), "aliram-acctest")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		return err
	}
	cfg := filepath.Join(cfgDir, "empty.tfrc")
	if err := os.WriteFile(cfg, nil, 0o644); err != nil {
		return err
	}
	for k, v := range map[string]string{
		"TF_ACC":                    "1",
		"TF_ACC_TERRAFORM_PATH":     bin,
		"TF_ACC_PROVIDER_HOST":      host,
		"TF_ACC_PROVIDER_NAMESPACE": "aliram",
		"TF_CLI_CONFIG_FILE":        cfg,
		"CHECKPOINT_DISABLE":        "1",
	} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	// TF_ACC_TERRAFORM_VERSION would make the harness download a CLI.
	return os.Unsetenv("TF_ACC_TERRAFORM_VERSION")
}

// repoRoot walks up from the test's working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "main.go")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("cannot find the repository root (go.mod and main.go) above the working directory")
		}
		dir = parent
	}
}

var terraformVersion = regexp.MustCompile(`Terraform v(\d+)\.(\d+)\.`)

// requireTerraform111 refuses a Terraform CLI older than 1.11 (write-only attributes and ephemeral values)
// and returns its minor version.
func requireTerraform111(bin string) (int, error) {
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("%s version: %v", bin, err)
	}
	m := terraformVersion.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("cannot read the version of %s", bin)
	}
	major, _ := strconv.Atoi(string(m[1]))
	minor, _ := strconv.Atoi(string(m[2]))
	if major != 1 || minor < 11 {
		return 0, fmt.Errorf("%s is Terraform %s.%s; the suite needs 1.11 or later", bin, m[1], m[2])
	}
	return minor, nil
}

// WithoutIdentity is a TestStep.SkipFunc for steps that need resource identities (import by identity):
// Terraform 1.11 has none. Under OpenTofu 1.12 (what CI runs) such steps always run.
func WithoutIdentity() (bool, error) {
	if err := setupCLI(); err != nil {
		return false, err
	}
	return !cliHasIdentity, nil
}

// IfIdentity wraps an identity state check so it runs only where the CLI stores identities.
func IfIdentity(check statecheck.StateCheck) statecheck.StateCheck { return identityCheck{check} }

type identityCheck struct{ inner statecheck.StateCheck }

func (c identityCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if cliHasIdentity {
		c.inner.CheckState(ctx, req, resp)
	}
}

// RequiredProviders is the terraform block a configuration given to the CLI as-is needs (an import step with
// ImportStateConfigExact): the harness adds it to every other configuration, naming the address the
// in-process provider is reattached under; names are the extra provider names (see FactoriesWith).
func RequiredProviders(names ...string) string {
	if err := setupCLI(); err != nil {
		panic(err)
	}
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n")
	for _, n := range append([]string{"aliram"}, names...) {
		fmt.Fprintf(&b, "    %s = { source = %q }\n", n, os.Getenv("TF_ACC_PROVIDER_HOST")+"/"+os.Getenv("TF_ACC_PROVIDER_NAMESPACE")+"/"+n)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}
