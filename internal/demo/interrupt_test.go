package demo_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// Interrupted applies and lost answers, through the CLI with the built provider as real plugin processes:
// the Kafka scenario's apply is killed (kill -9 of the CLI's process group, as a cancelled CI job's runner
// does: the CLI and its provider processes die at once) at a chosen RAM call, right after RAM carried the
// call out; then a plain apply must converge with no duplicate and no orphan, and destroy must leave both
// accounts empty.

// tripwire serves the emulator and, at the n-th call of an action, lets RAM carry the call out and then runs
// trip (which kills the CLI) before the answer goes back. Calls that arrive meanwhile wait for trip to end.
type tripwire struct {
	emu *ramemu.Server

	mu      sync.Mutex
	action  string
	n       int
	trip    func()
	tripped bool
	done    chan struct{}
	// unavailable, when set, is asked about every call before it is carried out (outside the lock): true
	// answers it ServiceUnavailable instead, as RAM does in an outage.
	unavailable func(action string) bool
}

func (tw *tripwire) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	action := r.Form.Get("Action")
	tw.mu.Lock()
	unavailable := tw.unavailable
	fire := false
	if !tw.tripped && tw.action != "" && action == tw.action {
		tw.n--
		fire = tw.n == 0
		tw.tripped = fire
	}
	done, waiting := tw.done, tw.tripped && !fire
	tw.mu.Unlock()
	if unavailable != nil && unavailable(action) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"RequestId":"6A1C2F4E-0000-4000-8000-000000000503","HostId":"ram.aliyuncs.com",` +
			`"Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}`))
		return
	}
	if waiting {
		<-done
	}
	if !fire {
		tw.emu.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	tw.emu.ServeHTTP(rec, r) // carried out and committed
	tw.trip()
	close(done)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes()) // to a dead client
}

func (tw *tripwire) setUnavailable(f func(action string) bool) {
	tw.mu.Lock()
	tw.unavailable = f
	tw.mu.Unlock()
}

// interruptEnv is an emulator behind a tripwire, shaped like acctest.New's.
func interruptEnv(t *testing.T, opts ramemu.Options) (*acctest.Env, *tripwire) {
	t.Helper()
	acctest.PreCheck(t)
	if acctest.Real() {
		t.Skip("interrupting the CLI at a chosen RAM call needs the emulator")
	}
	if opts.Accounts == nil {
		opts.Accounts = ramemu.DefaultAccounts()
	}
	emu, err := ramemu.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	tw := &tripwire{emu: emu, done: make(chan struct{})}
	hs := httptest.NewServer(tw)
	t.Cleanup(hs.Close)
	return &acctest.Env{Emulator: emu, URL: hs.URL, A: opts.Accounts[0], B: opts.Accounts[1]}, tw
}

// kafkaModule is the Kafka scenario's root module with its variables set.
type kafkaModule struct {
	*rootModule
	tt                  *testing.T
	role, employee, app string
	roleARN, externalID string
}

func newKafkaModule(t *testing.T, env *acctest.Env) *kafkaModule {
	t.Helper()
	m := &kafkaModule{rootModule: newRootModule(t, "kafka"), tt: t,
		role: "kafka-operators", employee: "kafka-ops-alice", app: "kafka-ops-automation",
		externalID: "kafka-contract-0042-" + strings.TrimPrefix(acctest.RandomName("x"), "tfacc-x-")}
	m.roleARN = acctest.RoleARN(env.A.ID, m.role)
	v := accountVariables(env)
	v["role_name"] = m.role
	v["app_name"] = m.app
	v["contract_end"] = time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second).Format(time.RFC3339)
	v["external_id"] = m.externalID
	v["employee"] = map[string]any{"name": m.employee, "display_name": "Alice (Kafka ops)", "email": "alice@enterprise-b.example"}
	v["employee_initial_password"] = password()
	v["employee_password_version"] = 1
	m.setVariables(v)
	return m
}

// applyKilled runs `tofu apply` in its own process group and expects the tripwire to kill it; it returns
// what the CLI printed.
func (m *rootModule) applyKilled(tw *tripwire, action string, n int, beforeKill func(stateFile string)) string {
	m.t.Helper()
	m.applied = true // whatever happens, the cleanup destroys
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "apply", "-auto-approve", "-input=false", "-no-color",
		"-var-file="+m.varFile)
	cmd.Dir = m.dir
	cmd.Env = os.Environ()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	exited := make(chan struct{})
	tw.mu.Lock()
	tw.action, tw.n = action, n
	tw.trip = func() {
		if beforeKill != nil {
			beforeKill(filepath.Join(m.dir, "terraform.tfstate"))
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	tw.mu.Unlock()
	if err := cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	err := cmd.Wait()
	close(exited)
	tw.mu.Lock()
	tripped := tw.tripped
	tw.mu.Unlock()
	var ee *exec.ExitError
	if !tripped || !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		m.t.Fatalf("the apply was to be killed at %s #%d, but it ended with %v:\n%s", action, n, err, out.String())
	}
	return out.String()
}

// stateResources lists the resource addresses of a state file ("" list when there is none).
func stateResources(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct{ Type, Name string }
	}
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("state file %s: %v", path, err)
	}
	var out []string
	for _, r := range st.Resources {
		out = append(out, r.Type+"."+r.Name)
	}
	return out
}

// expectConverged checks, after the apply that followed the interruption, that the delegation is there
// exactly once and works: one role with one attachment in A; two users in B, each with only its managed
// policy; the app user with exactly the AccessKey in the state, which really assumes A's role.
func (k *kafkaModule) expectConverged(env *acctest.Env) {
	t := k.tt
	t.Helper()
	k.expectEmptyPlan()
	dump := env.Emulator.State()
	for _, a := range dump.Accounts {
		switch a.ID {
		case env.A.ID:
			if len(a.Roles) != 1 || len(a.Attachments) != 1 || len(a.Policies) != 0 || len(a.Users) != 0 {
				t.Errorf("account A holds %d roles, %d attachments, %d policies, %d users; want 1, 1, 0, 0: %+v",
					len(a.Roles), len(a.Attachments), len(a.Policies), len(a.Users), a)
			}
		case env.B.ID:
			if len(a.Users) != 2 || len(a.Policies) != 2 || len(a.Attachments) != 2 || len(a.Roles) != 0 {
				t.Errorf("account B holds %d users, %d policies, %d attachments, %d roles; want 2, 2, 2, 0: %+v",
					len(a.Users), len(a.Policies), len(a.Attachments), len(a.Roles), a)
			}
			for _, u := range a.Users {
				wantKeys := 0
				if u.Name == k.app {
					wantKeys = 1
				}
				if len(u.AccessKeys) != wantKeys {
					t.Errorf("user %s holds %d AccessKeys, want %d: %+v", u.Name, len(u.AccessKeys), wantKeys, u.AccessKeys)
				}
				if (u.LoginProfile != nil) != (u.Name == k.employee) {
					t.Errorf("user %s: login profile %+v", u.Name, u.LoginProfile)
				}
			}
		}
	}
	key := k.accessKeyOf("aliram_delegated_user.app")
	for _, a := range dump.Accounts {
		for _, u := range a.Users {
			if u.Name == k.app && (len(u.AccessKeys) != 1 || u.AccessKeys[0].ID != key.ID) {
				t.Errorf("the app user's key in RAM is %+v, the state has %s", u.AccessKeys, key.ID)
			}
		}
	}
	if err := assumeRoleAs(t, env, key, k.roleARN, k.externalID, k.role); err != nil {
		t.Errorf("the app user after the interrupted apply: %v", err)
	}
}

func (k *kafkaModule) destroyAndExpectNothingLeft(env *acctest.Env) {
	k.t.Helper()
	k.destroy()
	if err := acctest.NothingLeft(env.Emulator.State()); err != nil {
		k.t.Error(err)
	}
}

// interruptedApply kills the Kafka scenario's apply at the first call of action (see applyKilled; prepare,
// when set, readies the tripwire first, and whatever it made unavailable is available again after the kill),
// then expects the next apply to converge and destroy to leave nothing.
func interruptedApply(t *testing.T, action string, prepare func(tw *tripwire), beforeKill func(stateFile string)) {
	t.Helper()
	env, tw := interruptEnv(t, ramemu.Options{})
	k := newKafkaModule(t, env)
	if prepare != nil {
		prepare(tw)
	}
	k.applyKilled(tw, action, 1, beforeKill)
	tw.setUnavailable(nil)
	k.apply()
	k.expectConverged(env)
	k.destroyAndExpectNothingLeft(env)
}

// TestInterruptedApply_beforeFirstSnapshot: killed right after RAM attached A's policy to the new role,
// before the CLI wrote any state: the next apply finds the role and the attachment and takes them over.
func TestInterruptedApply_beforeFirstSnapshot(t *testing.T) {
	interruptedApply(t, "AttachPolicyToRole", nil, func(stateFile string) {
		if got := stateResources(t, stateFile); len(got) != 0 {
			t.Errorf("the state holds %v before the first snapshot", got)
		}
	})
}

// TestInterruptedApply_afterFirstSnapshot: OpenTofu writes an intermediate snapshot of the state when a
// resource completes 20 s or more after the apply's first change, so A's attachment meets an outage
// (ServiceUnavailable, retried by the client) until 21 s after the role was created, and its completion
// writes a snapshot. The apply is killed at B's first CreateUser, after that snapshot: the next apply keeps
// what the snapshot holds and takes over what it does not (the role, the user) by their markers.
func TestInterruptedApply_afterFirstSnapshot(t *testing.T) {
	var mu sync.Mutex
	var outageUntil time.Time
	outage := func(tw *tripwire) {
		tw.setUnavailable(func(action string) bool {
			mu.Lock()
			defer mu.Unlock()
			if action != "AttachPolicyToRole" {
				return false
			}
			if outageUntil.IsZero() {
				// Not a timed assertion: OpenTofu's fixed 20 s snapshot interval (TF_STATE_PERSIST_INTERVAL cannot
				// be lower) is what this outage outlasts.
				outageUntil = time.Now().Add(21 * time.Second)
			}
			return time.Now().Before(outageUntil)
		})
	}
	interruptedApply(t, "CreateUser", outage, func(stateFile string) {
		// What the snapshot holds of A's side is OpenTofu's business (1.12.6 leaves the role out of it, for one);
		// that it holds something, and none of B's users, is what makes this the case after the first snapshot.
		got := stateResources(t, stateFile)
		if len(got) == 0 {
			t.Errorf("no snapshot was written before B's users were created")
		}
		if joined := strings.Join(got, " "); strings.Contains(joined, "aliram_delegated_user") {
			t.Errorf("the snapshot should hold none of B's users yet, it holds [%s]", joined)
		}
		t.Logf("the snapshot holds %v", got)
	})
}

// TestInterruptedApply_duringUsers: killed right after RAM made the app user's AccessKey (whose secret the
// dead CLI never saved), while B's users were being created: the next apply takes the users over, deletes
// that orphan key and creates the one it keeps.
func TestInterruptedApply_duringUsers(t *testing.T) {
	interruptedApply(t, "CreateAccessKey", nil, nil)
}

// TestLostAnswers: with a fifth of all write answers lost (the writes carried out), the Kafka delegation
// applies and destroys cleanly, and the app user holds exactly the AccessKey in the state. Which calls lose
// their answers depends on the order of parallel calls, so three seeds widen what one run covers.
func TestLostAnswers(t *testing.T) {
	lost := 0
	for _, seed := range []int64{7, 11, 23} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) { lost += lostAnswersCycle(t, seed) })
	}
	if lost == 0 {
		t.Fatal("no answer was lost in any cycle: the test proves nothing")
	}
}

// lostAnswersCycle applies and destroys the Kafka delegation losing answers, and returns how many it lost.
func lostAnswersCycle(t *testing.T, seed int64) int {
	env, _ := interruptEnv(t, ramemu.Options{DropResponseRate: 0.2, Seed: seed})
	k := newKafkaModule(t, env)
	k.apply()
	applyLost := env.Emulator.Stats().Dropped
	// The checks' own STS calls are writes too: they get their answers.
	if err := env.Emulator.SetDropResponseRate(0); err != nil {
		t.Fatal(err)
	}
	k.expectConverged(env)
	t.Logf("answers lost during the apply, by action: %v", applyLost)
	if err := env.Emulator.SetDropResponseRate(0.2); err != nil {
		t.Fatal(err)
	}
	env.Emulator.ResetStats()
	k.destroyAndExpectNothingLeft(env)
	destroyLost := env.Emulator.Stats().Dropped
	t.Logf("answers lost during the destroy, by action: %v", destroyLost)
	n := 0
	for _, m := range []map[string]int64{applyLost, destroyLost} {
		for _, c := range m {
			n += int(c)
		}
	}
	return n
}
