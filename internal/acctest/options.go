package acctest

import (
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// shortConsistencyWindow replaces the client's 30 s eventual-consistency window in tests whose emulator has no
// replication lag: to the provider, an out-of-band delete right after a create looks like lag until the window
// has passed, so drift tests would otherwise wait it out.
const shortConsistencyWindow = 2 * time.Second

// NewWithOptions is New with an emulator started with opts (e.g. a ConsistencyDelay); Accounts nil means the
// two demo accounts. In real mode the options are ignored: real RAM brings its own behaviour.
func NewWithOptions(t *testing.T, opts ramemu.Options) *Env {
	t.Helper()
	PreCheck(t)
	if Real() {
		e := &Env{
			A: ramemu.Account{AccessKeyID: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")},
			B: ramemu.Account{AccessKeyID: os.Getenv("ALIRAM_TEST_B_ACCESS_KEY_ID"), AccessKeySecret: os.Getenv("ALIRAM_TEST_B_ACCESS_KEY_SECRET")},
		}
		e.A.ID = e.callerAccount(t, e.A)
		e.B.ID = e.callerAccount(t, e.B)
		return e
	}
	if opts.ConsistencyDelay == 0 {
		t.Cleanup(ramclient.SetConsistencyWindowForTesting(shortConsistencyWindow))
	}
	if opts.Accounts == nil {
		opts.Accounts = ramemu.DefaultAccounts()
	}
	srv, err := ramemu.New(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() }) // stops the metadata services of simulated ECS instances
	log := &CallLog{}
	hs := httptest.NewServer(log.Wrap(srv))
	t.Cleanup(hs.Close)
	return &Env{Emulator: srv, CallLog: log, URL: hs.URL, A: opts.Accounts[0], B: opts.Accounts[1]}
}
