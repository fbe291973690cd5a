package demo_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// A delegation generated at a given size, applied by the CLI with the installed provider (one plugin process
// per account, as users run it): roles in A, each with system policies attached, and users in B, each allowed
// to assume one of the roles. The throttling test and the benchmarks run it against emulators that throttle,
// lag and add latency.

// delegationShape says how big the generated delegation is.
type delegationShape struct {
	roles, attachmentsPerRole int
	consoleUsers, appUsers    int
	// usersAfterAttachments: B's users wait for A's attachments (depends_on), as in examples/scenarios/kafka.
	usersAfterAttachments bool
}

// seedsShape is the seeds' delegation: one role with 8 policies, 3 employees with console login and 2
// applications with an AccessKey.
var seedsShape = delegationShape{roles: 1, attachmentsPerRole: 8, consoleUsers: 3, appUsers: 2, usersAfterAttachments: true}

// delegationPolicies are the system policies the roles get, in order.
var delegationPolicies = []string{
	"AliyunKafkaFullAccess", "AliyunKafkaReadOnlyAccess", "AliyunMQReadOnlyAccess", "AliyunLogReadOnlyAccess",
	"AliyunCloudMonitorReadOnlyAccess", "AliyunECSReadOnlyAccess", "AliyunVPCReadOnlyAccess", "AliyunOSSReadOnlyAccess",
}

func (s delegationShape) config() string {
	if s.attachmentsPerRole > len(delegationPolicies) {
		panic("more attachments per role than delegationPolicies")
	}
	quoted := make([]string, s.attachmentsPerRole)
	for i := range quoted {
		quoted[i] = fmt.Sprintf("%q", delegationPolicies[i])
	}
	dependsOn := ""
	if s.usersAfterAttachments {
		dependsOn = "depends_on = [aliram_role_policy_attachment.role]"
	}
	return fmt.Sprintf(inlineModuleHeader+`variable "ram_endpoint" { type = string }
variable "sts_endpoint" { type = string }
variable "password" {
  type      = string
  sensitive = true
}
`+enterpriseProviders+`
locals {
  roles       = [for i in range(%d) : format("deleg-role-%%02d", i)]
  policies    = [%s]
  attachments = { for p in setproduct(local.roles, local.policies) : "${p[0]}/${p[1]}" => { role = p[0], policy = p[1] } }
  employees   = { for i in range(%d) : format("deleg-employee-%%03d", i) => local.roles[i %% length(local.roles)] }
  apps        = { for i in range(%d) : format("deleg-app-%%03d", i) => local.roles[i %% length(local.roles)] }
}

resource "aliram_cross_account_role" "role" {
  provider              = aliram.owner
  for_each              = toset(local.roles)
  name                  = each.key
  trusted_account_ids   = [var.operator_account_id]
  force_detach_policies = true
}

resource "aliram_role_policy_attachment" "role" {
  provider    = aliram.owner
  for_each    = local.attachments
  role_name   = aliram_cross_account_role.role[each.value.role].name
  policy_type = "System"
  policy_name = each.value.policy
}

resource "aliram_delegated_user" "employee" {
  provider            = aliram.operator
  for_each            = local.employees
  name                = each.key
  assumable_role_arns = [aliram_cross_account_role.role[each.value].arn]
  console_login = {
    password_wo         = var.password
    password_wo_version = 1
  }
  %[5]s
}

resource "aliram_delegated_user" "app" {
  provider            = aliram.operator
  for_each            = local.apps
  name                = each.key
  assumable_role_arns = [aliram_cross_account_role.role[each.value].arn]
  programmatic_access = {}
  %[5]s
}
`, s.roles, strings.Join(quoted, ", "), s.consoleUsers, s.appUsers, dependsOn)
}

// newDelegationModule writes the shape's root module, initialises it against env's emulator and returns it
// with every CLI command's output captured in out.
func newDelegationModule(tb testing.TB, env *acctest.Env, shape delegationShape, out *bytes.Buffer) *rootModule {
	tb.Helper()
	useMirror(tb)
	dir := filepath.Join(tb.TempDir(), "delegation")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(shape.config()), 0o644); err != nil {
		tb.Fatal(err)
	}
	m := initRootModule(tb, dir)
	v := accountVariables(env)
	v["password"] = password()
	m.setVariables(v)
	m.tf.SetStdout(out)
	m.tf.SetStderr(out)
	return m
}

// phase is one CLI command of a measured run: its wall time and what the emulator counted meanwhile.
type phase struct {
	name      string
	wall      time.Duration
	calls     int64 // every RPC call: RAM, and STS (throttled the same)
	byAction  map[string]int64
	throttled int64
	busy      time.Duration  // emulatorBusy meanwhile
	trips     map[string]int // round trips per entity (acctest.RoundTrips of benchCalls); benchmarks only
	cpu       time.Duration  // CPU time of the CLI and its provider processes
	err       error
}

// emulatorBusy sums the time a benchmark's emulator spends serving calls (benchEnv counts it): divided by
// the wall time, the mean number of calls in flight.
var emulatorBusy atomic.Int64

// benchCalls logs the calls a benchmark's emulator serves (benchEnv records them), for the round trips each
// entity waited for: unlike wall time, a figure the machine's load does not change.
var benchCalls acctest.CallLog

// runPhase resets the emulator's counters, runs the command and reads them back.
func runPhase(emu *ramemu.Server, name string, cmd func() error) phase {
	emu.ResetStats()
	benchCalls.Reset()
	b0, c0 := emulatorBusy.Load(), childrenCPU()
	start := time.Now()
	err := cmd()
	p := phase{name: name, wall: time.Since(start), err: err, busy: time.Duration(emulatorBusy.Load() - b0), cpu: childrenCPU() - c0}
	st := emu.Stats()
	p.calls, p.byAction = st.Total, st.Calls
	p.trips = acctest.RoundTrips(benchCalls.Calls())
	for code, n := range st.Errors {
		if strings.HasPrefix(code, "Throttling") {
			p.throttled += n
		}
	}
	return p
}

// childrenCPU is the CPU time used so far by the test's finished child processes and their descendants
// (the CLI waits for its provider processes).
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tripsByKind summarises trips per kind of entity (User, Role, Policy): the mean and the most round trips
// of latency one entity's calls waited for, and the entity with the longest chain.
func (p phase) tripsByKind() string {
	type agg struct{ n, sum, max int }
	kinds := map[string]*agg{}
	longest, longestN := "", 0
	for subject, n := range p.trips {
		kind, _, _ := strings.Cut(subject, "/")
		a := kinds[kind]
		if a == nil {
			a = &agg{}
			kinds[kind] = a
		}
		a.n, a.sum = a.n+1, a.sum+n
		a.max = max(a.max, n)
		if n > longestN || (n == longestN && subject < longest) {
			longest, longestN = subject, n
		}
	}
	if len(kinds) == 0 {
		return "no calls logged"
	}
	var parts []string
	for _, kind := range []string{"User", "Role", "Policy"} {
		if a := kinds[kind]; a != nil {
			parts = append(parts, fmt.Sprintf("%d %ss %.1f mean %d max", a.n, strings.ToLower(kind), float64(a.sum)/float64(a.n), a.max))
		}
	}
	return fmt.Sprintf("round trips per entity: %s; longest chain %d (%s)", strings.Join(parts, ", "), longestN, longest)
}

// maxTrips is the longest chain of round trips one entity's calls waited for.
func (p phase) maxTrips() int {
	m := 0
	for _, n := range p.trips {
		m = max(m, n)
	}
	return m
}

// topActions names the n actions called most, with their counts.
func (p phase) topActions(n int) string {
	keys := make([]string, 0, len(p.byAction))
	for k := range p.byAction {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if p.byAction[keys[i]] != p.byAction[keys[j]] {
			return p.byAction[keys[i]] > p.byAction[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for i, k := range keys {
		if i == n {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", k, p.byAction[k]))
	}
	return strings.Join(parts, ", ")
}

func (m *rootModule) applyErr() error {
	m.applied = true
	return m.tf.Apply(ctx(m.t), tfexec.VarFile(m.varFile))
}

func (m *rootModule) destroyErr() error {
	err := m.tf.Destroy(ctx(m.t), tfexec.VarFile(m.varFile))
	if err == nil {
		m.destroyed = true
	}
	return err
}

// planChanges is a plan (with refresh) that reports whether it proposes changes.
func (m *rootModule) planChanges() (bool, error) {
	return m.tf.Plan(ctx(m.t), tfexec.VarFile(m.varFile))
}

// TestDelegationUnderThrottling: with both accounts allowing 10 calls/s, 50 ms per call and a 2 s replication
// lag, the seeds' delegation applies, plans empty and destroys with no error, no throttling error reaching
// the user and nothing left; the client slows down to the account's rate instead of failing.
func TestDelegationUnderThrottling(t *testing.T) {
	env := acctest.NewWithOptions(t, ramemu.Options{ThrottleQPS: 10, Latency: 50 * time.Millisecond, ConsistencyDelay: 2 * time.Second})
	var out bytes.Buffer
	m := newDelegationModule(t, env, seedsShape, &out)
	throttledCycle(t, env, m, &out, func(phases []phase) {
		for _, p := range phases {
			t.Logf("%-7s %6.1fs, %3d calls (floor %4.1fs at 10/s), %d throttled", p.name, p.wall.Seconds(), p.calls, float64(p.calls)/10, p.throttled)
			if p.err != nil {
				t.Errorf("%s: %v", p.name, p.err)
			}
			// Pacing, not retrying, is what absorbs the limit: a client that ignores it is throttled on about
			// half of its calls here.
			if p.throttled*4 > p.calls {
				t.Errorf("%s: %d of %d calls throttled, want at most a quarter", p.name, p.throttled, p.calls)
			}
		}
	})
}

// throttledCycle applies, plans and destroys m, one phase each, hands the phases to check, and then demands
// what the test and the benchmark of the throttled delegation both do: the plan after apply proposes no
// changes, no throttling error reaches the user (out, what the CLI printed) and nothing is left.
func throttledCycle(tb testing.TB, env *acctest.Env, m *rootModule, out *bytes.Buffer, check func(phases []phase)) {
	tb.Helper()
	var changes bool
	check([]phase{
		runPhase(env.Emulator, "apply", m.applyErr),
		runPhase(env.Emulator, "plan", func() (err error) { changes, err = m.planChanges(); return err }),
		runPhase(env.Emulator, "destroy", m.destroyErr),
	})
	if changes {
		tb.Error("the plan after apply proposes changes")
	}
	if strings.Contains(out.String(), "Throttling") {
		tb.Errorf("a throttling error reached the user:\n%s", out.String())
	}
	if err := acctest.NothingLeft(env.Emulator.State()); err != nil {
		tb.Error(err)
	}
}
