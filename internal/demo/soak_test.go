package demo_test

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// soakCycles is how many apply/destroy cycles TestScenarioKafkaSoak runs: 2 in the normal run, the issue's
// 10 under `make soak` (ALIRAM_SOAK_CYCLES=10), which `make bench` runs.
func soakCycles(t *testing.T) int {
	if s := os.Getenv("ALIRAM_SOAK_CYCLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ALIRAM_SOAK_CYCLES=%q is not a positive number", s)
		}
		return n
	}
	return 2
}

// TestScenarioKafkaSoak: the Kafka scenario applied and destroyed again and again against an account that
// fails 10% of the calls, allows 3 calls/s and shows new entities only after 3 s. Every cycle succeeds and
// leaves nothing in either account.
func TestScenarioKafkaSoak(t *testing.T) {
	env := acctest.NewWithOptions(t, ramemu.Options{
		FaultRate: 0.1, ThrottleQPS: 3, ConsistencyDelay: 3 * time.Second, Seed: time.Now().UnixNano(),
	})
	cycles := soakCycles(t)
	var out bytes.Buffer
	m := newRootModule(t, "kafka")
	m.tf.SetStdout(&out)
	m.tf.SetStderr(&out)
	v := accountVariables(env)
	v["contract_end"] = time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second).Format(time.RFC3339)
	v["external_id"] = "kafka-soak-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-")
	v["employee_initial_password"] = password()
	m.setVariables(v)

	failed := 0
	start := time.Now()
	for i := 1; i <= cycles; i++ {
		out.Reset()
		apply := runPhase(env.Emulator, "apply", m.applyErr)
		destroy := phase{name: "destroy"}
		if apply.err == nil {
			destroy = runPhase(env.Emulator, "destroy", m.destroyErr)
		}
		left := acctest.NothingLeft(env.Emulator.State())
		t.Logf("cycle %2d: apply %5.1fs (%3d calls, %2d throttled), destroy %5.1fs (%3d calls, %2d throttled)",
			i, apply.wall.Seconds(), apply.calls, apply.throttled, destroy.wall.Seconds(), destroy.calls, destroy.throttled)
		if apply.err != nil || destroy.err != nil || left != nil {
			failed++
			t.Errorf("cycle %d: apply: %v; destroy: %v; %v\n%s", i, apply.err, destroy.err, left, out.String())
			if apply.err != nil || destroy.err != nil {
				// Start the next cycle from nothing: what the failed one made is destroyed first.
				if err := m.destroyErr(); err != nil {
					t.Fatalf("cycle %d: destroy after the failure: %v", i, err)
				}
			}
		}
	}
	t.Logf("%d of %d cycles succeeded and left nothing, in %.0fs", cycles-failed, cycles, time.Since(start).Seconds())
}
