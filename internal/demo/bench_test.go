package demo_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// Wall time of real CLI runs (bin/tofu with the installed provider) against an in-process emulator, beside
// the floor the emulator's own counters give: `make bench` runs them once each.
//
//	go test ./internal/demo -run '^$' -bench Delegation -benchtime 1x

// benchEnv starts an emulator with opts for a benchmark, with the CLI set up as acctest does for tests.
func benchEnv(b *testing.B, opts ramemu.Options) *acctest.Env {
	b.Helper()
	tofu, err := filepath.Abs("../../bin/tofu")
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("TF_ACC_TERRAFORM_PATH", tofu)
	b.Setenv("CHECKPOINT_DISABLE", "1")
	opts.Accounts = ramemu.DefaultAccounts()
	emu, err := ramemu.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(benchCalls.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		emu.ServeHTTP(w, r)
		emulatorBusy.Add(int64(time.Since(start)))
	})))
	b.Cleanup(hs.Close)
	return &acctest.Env{Emulator: emu, URL: hs.URL, A: opts.Accounts[0], B: opts.Accounts[1]}
}

// loadAverage is the machine's 1-minute load average, logged beside wall times measured on shared machines.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

// report logs one line per phase and reports its wall time, floor, calls and throttled calls as metrics.
func report(b *testing.B, phases []phase, floor func(phase) time.Duration) {
	b.Helper()
	b.Logf("load average %s on %d CPUs", loadAverage(), runtime.NumCPU())
	for _, p := range phases {
		f := floor(p)
		b.Logf("%-8s %6.1f s   floor %5.1f s (%.2fx)   %4d calls   %3d throttled   %.1f calls in flight on average   CLI+provider CPU %.1f s",
			p.name, p.wall.Seconds(), f.Seconds(), p.wall.Seconds()/f.Seconds(), p.calls, p.throttled, p.busy.Seconds()/p.wall.Seconds(), p.cpu.Seconds())
		b.Logf("         %s", p.topActions(8))
		b.Logf("         %s", p.tripsByKind())
		b.ReportMetric(p.wall.Seconds(), p.name+"-s")
		b.ReportMetric(f.Seconds(), p.name+"-floor-s")
		b.ReportMetric(float64(p.calls), p.name+"-calls")
		b.ReportMetric(float64(p.throttled), p.name+"-throttled")
		b.ReportMetric(float64(p.maxTrips()), p.name+"-max-trips")
		if p.err != nil {
			b.Errorf("%s: %v", p.name, p.err)
		}
	}
}

// BenchmarkDelegationThrottled: the seeds' delegation (1 role, 8 attachments, 5 users) with both accounts
// allowing 10 calls/s, 50 ms per call and a 2 s replication lag. Floor: the calls at 10 per second.
func BenchmarkDelegationThrottled(b *testing.B) {
	for i := 0; i < b.N; i++ {
		env := benchEnv(b, ramemu.Options{ThrottleQPS: 10, Latency: 50 * time.Millisecond, ConsistencyDelay: 2 * time.Second})
		var out bytes.Buffer
		m := newDelegationModule(b, env, seedsShape, &out)
		throttledCycle(b, env, m, &out, func(phases []phase) {
			report(b, phases, func(p phase) time.Duration { return time.Duration(p.calls) * time.Second / 10 })
		})
	}
}

// largeShape: 20 roles with 8 policies each, and 100 employees with console login.
var largeShape = delegationShape{roles: 20, attachmentsPerRole: 8, consoleUsers: 100}

const (
	largeAccountUsers = 4800 // B's users once the delegation is applied
	largeLatency      = 50 * time.Millisecond
	largeParallelism  = 10 // the CLI's default -parallelism
	largeFloorFactor  = 2.5
)

// BenchmarkDelegationLarge: the large configuration in an account of 4,800 users, 50 ms per call, no
// throttling. Floor: calls × latency ÷ parallelism; each phase must stay within 2.5× of it.
func BenchmarkDelegationLarge(b *testing.B) {
	for i := 0; i < b.N; i++ {
		env := benchEnv(b, ramemu.Options{Latency: largeLatency})
		seeded := largeAccountUsers - largeShape.consoleUsers - largeShape.appUsers
		seedUsers(b, env, seeded)
		var out bytes.Buffer
		m := newDelegationModule(b, env, largeShape, &out)
		phases := []phase{
			runPhase(env.Emulator, "apply", m.applyErr),
			runPhase(env.Emulator, "refresh", func() error { return m.tf.Refresh(ctx(b), tfexec.VarFile(m.varFile)) }),
			runPhase(env.Emulator, "destroy", m.destroyErr),
		}
		floor := func(p phase) time.Duration { return time.Duration(p.calls) * largeLatency / largeParallelism }
		report(b, phases, floor)
		for _, p := range phases {
			ratio := p.wall.Seconds() / floor(p).Seconds()
			b.ReportMetric(ratio, p.name+"-x-floor")
			if ratio > largeFloorFactor {
				b.Errorf("%s took %.1f s, %.2fx its floor of %.1f s (%d calls x %v / %d): more than %.1fx",
					p.name, p.wall.Seconds(), ratio, floor(p).Seconds(), p.calls, largeLatency, largeParallelism, largeFloorFactor)
			}
		}
		if err := onlySeededUsersLeft(env.Emulator.State(), seeded); err != nil {
			b.Error(err)
		}
	}
}

// seedUsers creates n users in account B directly through the emulator's API, 100 at a time.
func seedUsers(b *testing.B, env *acctest.Env, n int) {
	b.Helper()
	c, err := ram.NewClientWithAccessKey("cn-hangzhou", env.B.AccessKeyID, env.B.AccessKeySecret)
	if err != nil {
		b.Fatal(err)
	}
	c.Domain = strings.TrimPrefix(env.URL, "http://")
	names := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for w := 0; w < 100; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range names {
				req := ram.CreateCreateUserRequest()
				req.UserName = name
				if _, err := c.CreateUser(req); err != nil {
					mu.Lock()
					failed = fmt.Errorf("seeding user %s: %w", name, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		names <- fmt.Sprintf("seeded-user-%04d", i)
	}
	close(names)
	wg.Wait()
	if failed != nil {
		b.Fatal(failed)
	}
}

// onlySeededUsersLeft: destroy removed every role, policy, attachment and user it made; the seeded users stay.
func onlySeededUsersLeft(dump ramemu.StateDump, seeded int) error {
	var left []string
	users := 0
	for _, a := range dump.Accounts {
		for _, r := range a.Roles {
			left = append(left, "role "+r.Name)
		}
		for _, p := range a.Policies {
			left = append(left, "custom policy "+p.Name)
		}
		for _, at := range a.Attachments {
			left = append(left, fmt.Sprintf("%s attached to %s", at.PolicyName, at.PrincipalName))
		}
		for _, u := range a.Users {
			if !strings.HasPrefix(u.Name, "seeded-user-") {
				left = append(left, "user "+u.Name)
			}
			users++
		}
	}
	if users != seeded {
		left = append(left, fmt.Sprintf("%d users, want the %d seeded", users, seeded))
	}
	if len(left) > 0 {
		return fmt.Errorf("destroy left:\n  %s", strings.Join(left, "\n  "))
	}
	return nil
}
