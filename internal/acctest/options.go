package acctest

import (
	"net/http/httptest"
	"testing"

	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// NewWithOptions is New with an emulator started with opts (e.g. a ConsistencyDelay); Accounts nil means the
// two demo accounts. In real mode the options are ignored: real RAM brings its own behaviour.
func NewWithOptions(t *testing.T, opts ramemu.Options) *Env {
	t.Helper()
	if Real() {
		return New(t)
	}
	PreCheck(t)
	if opts.Accounts == nil {
		opts.Accounts = ramemu.DefaultAccounts()
	}
	srv, err := ramemu.New(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &Env{Emulator: srv, URL: hs.URL, A: opts.Accounts[0], B: opts.Accounts[1]}
}
