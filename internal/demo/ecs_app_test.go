package demo_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// ecsApp is examples/scenarios/rocketmq/ecs-app, built once per test: B's application on an ECS instance,
// holding only what the instance's metadata service gives it.
type ecsApp struct {
	t   *testing.T
	bin string
	env *acctest.Env
}

func buildECSApp(t *testing.T, env *acctest.Env) *ecsApp {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ecs-app")
	cmd := exec.Command("go", "build", "-o", bin, "./examples/scenarios/rocketmq/ecs-app")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building ecs-app: %v\n%s", err, out)
	}
	return &ecsApp{t: t, bin: bin, env: env}
}

// run starts the application on instance in and returns whom it acts as, or its error output.
func (a *ecsApp) run(in ramemu.ECSInstance, roleARN string) (string, error) {
	cmd := exec.Command(a.bin, "-role-arn", roleARN, "-sts-endpoint", a.env.URL, "-metadata-proxy", in.MetadataEndpoint)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return "", fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		return "", err
	}
	var res struct {
		ActingAs string `json:"acting_as"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return "", fmt.Errorf("ecs-app output %q: %v", out, err)
	}
	return res.ActingAs, nil
}
