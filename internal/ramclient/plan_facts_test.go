package ramclient

import (
	"context"
	"testing"
	"time"
)

// The account facts a plan renders ARNs and logon names with: expected_account_id costs no call, the alias
// one call per client, and a plan-time lookup is bounded and fails once per client, not once per resource.
func TestPlanAccountFacts(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	f.on("GetAccountAlias", seq(resp(200, map[string]any{"RequestId": "R", "AccountAlias": "enterprise-b"})))

	withExpected := newTestClient(t, f, func(c *Config) { c.ExpectedAccountID = "1000000000000002" })
	if id, err := withExpected.PlanAccountID(ctx); err != nil || id != "1000000000000002" {
		t.Fatalf("PlanAccountID with expected_account_id: %q %v", id, err)
	}
	if n := f.count(""); n != 0 {
		t.Fatalf("expected_account_id: %d calls, want none", n)
	}

	c := newTestClient(t, f, nil)
	for i := 0; i < 3; i++ {
		if id, err := c.PlanAccountID(ctx); err != nil || id != "1000000000000001" {
			t.Fatalf("PlanAccountID: %q %v", id, err)
		}
		if a, err := c.PlanAccountAlias(ctx); err != nil || a != "enterprise-b" {
			t.Fatalf("PlanAccountAlias: %q %v", a, err)
		}
		if a, err := c.AccountAlias(ctx); err != nil || a != "enterprise-b" {
			t.Fatalf("AccountAlias: %q %v", a, err)
		}
	}
	if f.count("GetCallerIdentity") != 1 || f.count("GetAccountAlias") != 1 {
		t.Errorf("calls: %v, want one GetCallerIdentity and one GetAccountAlias", c.CallCount())
	}

	// A hanging endpoint: the plan waits at most the bound, and only once.
	slow := newFake(t)
	slow.delay = time.Second
	sc := newTestClient(t, slow, nil)
	sc.planLookupTimeout = 50 * time.Millisecond
	start := time.Now()
	if _, err := sc.PlanAccountAlias(ctx); err == nil {
		t.Fatal("PlanAccountAlias on a hanging endpoint succeeded")
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("PlanAccountAlias waited %v, bound 50ms", el)
	}
	calls := slow.count("")
	start = time.Now()
	if _, err := sc.PlanAccountAlias(ctx); err == nil || time.Since(start) > 20*time.Millisecond || slow.count("") != calls {
		t.Errorf("second PlanAccountAlias after a failure: %v after %v, %d new calls", err, time.Since(start), slow.count("")-calls)
	}
	// Apply's own lookups are not affected by the plan's memory of a failure.
	slow.mu.Lock()
	slow.delay = 0
	slow.mu.Unlock()
	if _, err := sc.AccountAlias(ctx); err != nil {
		t.Errorf("AccountAlias after a failed plan lookup: %v", err)
	}
}
