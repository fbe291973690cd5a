package ramclient

import (
	"context"
	"testing"
	"time"
)

// Each test's client stands for a new provider process: it created nothing itself and learns about earlier
// creates only through RecentlyCreated.

func TestRecentlyCreatedRetriesNotFoundInsideWindow(t *testing.T) {
	f := newFake(t)
	f.on("GetRole", seq(notFound("Role"), notFound("Role"), resp(200, roleBody("r1")), notFound("Role")))
	c := newTestClient(t, f, nil) // window 2s
	ctx := context.Background()
	if !c.RecentlyCreated(time.Now().Add(-500*time.Millisecond), RoleEntity("R1")) {
		t.Fatal("a create 0.5s ago is inside a 2s window")
	}
	if _, err := c.GetRole(ctx, "r1"); err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	if n := f.count("GetRole"); n != 3 {
		t.Errorf("GetRole attempts = %d, want 3", n)
	}
	// Seen once: a later absence is real and shows at once.
	if _, err := c.GetRole(ctx, "r1"); !IsNotFound(err) || f.count("GetRole") != 4 {
		t.Errorf("after seen: %v, attempts %d, want NotFound after 4", err, f.count("GetRole"))
	}
	// A role not declared: no retry.
	if _, err := c.GetRole(ctx, "other"); !IsNotFound(err) || f.count("GetRole") != 5 {
		t.Errorf("other: %v, attempts %d", err, f.count("GetRole"))
	}
}

func TestRecentlyCreatedOutsideWindowNoRetry(t *testing.T) {
	f := newFake(t)
	f.on("GetRole", seq(notFound("Role")))
	f.on("GetPolicy", seq(notFound("Policy")))
	f.on("GetUser", seq(notFound("User")))
	f.on("ListPoliciesForRole", seq(resp(200, map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": []any{}}})))
	c := newTestClient(t, f, nil) // window 2s
	ctx := context.Background()
	old := time.Now().Add(-3 * time.Second)
	if c.RecentlyCreated(old, RoleEntity("r"), PolicyEntity("p"), UserEntity("u"), RoleAttachmentEntity("r2", "System", "ReadOnlyAccess")) {
		t.Error("a create 3s ago is outside a 2s window")
	}
	if c.RecentlyCreated(time.Time{}, RoleEntity("r")) {
		t.Error("the zero time is not recent")
	}
	start := time.Now()
	if _, err := c.GetRole(ctx, "r"); !IsNotFound(err) {
		t.Errorf("GetRole: %v", err)
	}
	if _, err := c.GetPolicy(ctx, "p", ""); !IsNotFound(err) {
		t.Errorf("GetPolicy: %v", err)
	}
	if _, err := c.GetUser(ctx, "u"); !IsNotFound(err) {
		t.Errorf("GetUser: %v", err)
	}
	if ps, err := c.ListPoliciesForRole(ctx, "r2"); err != nil || len(ps) != 0 {
		t.Errorf("ListPoliciesForRole: %v %v", ps, err)
	}
	for _, a := range []string{"GetRole", "GetPolicy", "GetUser", "ListPoliciesForRole"} {
		if n := f.count(a); n != 1 {
			t.Errorf("%s attempts = %d, want 1 (no retry outside the window)", a, n)
		}
	}
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Errorf("absences outside the window took %v to show", el)
	}
}

// The wait ends when the window after `at` ends, not a full window after the read started.
func TestRecentlyCreatedWaitsOnlyWhatRemains(t *testing.T) {
	f := newFake(t)
	f.on("GetUser", seq(notFound("User")))
	c := newTestClient(t, f, nil)
	c.consistencyWindow = time.Second
	ctx := context.Background()
	if !c.RecentlyCreated(time.Now().Add(-800*time.Millisecond), UserEntity("u")) {
		t.Fatal("not recorded")
	}
	start := time.Now()
	if _, err := c.GetUser(ctx, "u"); !IsNotFound(err) {
		t.Fatalf("want NotFound once the window is over, got %v", err)
	}
	el := time.Since(start)
	if el < 150*time.Millisecond || el > 900*time.Millisecond {
		t.Errorf("waited %v, want about the 200ms left of the window", el)
	}
	if f.count("GetUser") < 2 {
		t.Error("no retry inside the window")
	}
}

// A timestamp from a clock ahead of ours counts as now: never more than one window of waiting.
func TestRecentlyCreatedFutureTimeClamped(t *testing.T) {
	f := newFake(t)
	f.on("GetPolicy", seq(notFound("Policy")))
	c := newTestClient(t, f, nil)
	c.consistencyWindow = 300 * time.Millisecond
	if !c.RecentlyCreated(time.Now().Add(time.Hour), PolicyEntity("p")) {
		t.Fatal("not recorded")
	}
	start := time.Now()
	if _, err := c.GetPolicy(context.Background(), "p", "Custom"); !IsNotFound(err) {
		t.Fatalf("got %v", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("waited %v for a 300ms window", el)
	}
}

// An earlier create of ours is not shortened by an older RecentlyCreated.
func TestRecentlyCreatedKeepsLaterRecord(t *testing.T) {
	f := newFake(t)
	c := newTestClient(t, f, nil)
	c.track.markCreated(roleKey("r"))
	c.RecentlyCreated(time.Now().Add(-time.Second), RoleEntity("r"))
	if at := c.track.created[roleKey("r")]; time.Since(at) > 500*time.Millisecond {
		t.Errorf("record moved back to %v", at)
	}
}

func policiesBody(names ...string) [2]any {
	ps := []map[string]any{}
	for _, n := range names {
		ps = append(ps, map[string]any{"PolicyName": n, "PolicyType": "Custom"})
	}
	return resp(200, map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": ps}})
}

// An attachment vouches for its role: the role's NotFound and a list without the attachment are both lag.
func TestRecentlyCreatedAttachment(t *testing.T) {
	f := newFake(t)
	f.on("ListPoliciesForRole", seq(notFound("Role"), policiesBody(), policiesBody("p1")))
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	c.RecentlyCreated(time.Now(), RoleAttachmentEntity("r", "Custom", "P1"))
	ps, err := c.ListPoliciesForRole(ctx, "r")
	if err != nil || len(ps) != 1 || ps[0].Name != "p1" {
		t.Fatalf("%v %v", ps, err)
	}
	if n := f.count("ListPoliciesForRole"); n != 3 {
		t.Errorf("reads = %d, want 3", n)
	}
	// Not declared: what RAM shows, at once.
	f.on("ListPoliciesForRole", seq(policiesBody()))
	if ps, err := c.ListPoliciesForRole(ctx, "r9"); err != nil || len(ps) != 0 || f.count("ListPoliciesForRole") != 4 {
		t.Errorf("r9: %v %v, reads %d", ps, err, f.count("ListPoliciesForRole"))
	}
}

// Attachments of one role read in parallel (as Terraform refreshes them) share the retries: one
// ListPoliciesForRole per attempt, not one per attachment.
func TestRecentlyCreatedAttachmentsShareRetries(t *testing.T) {
	f := newFake(t)
	f.delay = 20 * time.Millisecond
	f.on("ListPoliciesForRole", seq(policiesBody(), policiesBody("p1"), policiesBody("p1", "p2", "p3")))
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	at := time.Now().Add(-time.Second)
	for _, p := range []string{"p1", "p2", "p3"} {
		c.RecentlyCreated(at, RoleAttachmentEntity("r", "Custom", p))
	}
	concurrently(t, 3, func() error {
		ps, err := c.ListPoliciesForRole(ctx, "r")
		if err == nil && len(ps) != 3 {
			t.Errorf("got %d policies, want 3", len(ps))
		}
		return err
	})
	if n := f.count("ListPoliciesForRole"); n != 3 {
		t.Errorf("3 parallel readers made %d calls, want 3 (one per attempt)", n)
	}
	// Seen: the next refresh costs one call again, within the cache TTL none.
	if _, err := c.ListPoliciesForRole(ctx, "r"); err != nil || f.count("ListPoliciesForRole") != 3 {
		t.Errorf("cached read: %v, calls %d", err, f.count("ListPoliciesForRole"))
	}
}

func TestRecentlyCreatedUserParts(t *testing.T) {
	f := newFake(t)
	f.on("GetLoginProfile", seq(notFound("User.LoginProfile"),
		resp(200, map[string]any{"RequestId": "R", "LoginProfile": map[string]any{"UserName": "u"}})))
	keys := func(ids ...string) [2]any {
		ks := []map[string]any{}
		for _, id := range ids {
			ks = append(ks, map[string]any{"AccessKeyId": id, "Status": "Active"})
		}
		return resp(200, map[string]any{"RequestId": "R", "AccessKeys": map[string]any{"AccessKey": ks}})
	}
	f.on("ListAccessKeys", seq(keys(), keys(), keys("LTAIkey1")))
	f.on("ListPoliciesForUser", seq(policiesBody(), policiesBody("AssumeRole-u")))
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	c.RecentlyCreated(time.Now(), LoginProfileEntity("u"), AccessKeyEntity("u", "LTAIkey1"),
		UserAttachmentEntity("u", "Custom", "AssumeRole-u"))
	if _, err := c.GetLoginProfile(ctx, "u"); err != nil || f.count("GetLoginProfile") != 2 {
		t.Errorf("GetLoginProfile: %v, calls %d", err, f.count("GetLoginProfile"))
	}
	if ks, err := c.ListAccessKeys(ctx, "u"); err != nil || len(ks) != 1 || f.count("ListAccessKeys") != 3 {
		t.Errorf("ListAccessKeys: %v %v, calls %d", ks, err, f.count("ListAccessKeys"))
	}
	if ps, err := c.ListPoliciesForUser(ctx, "u"); err != nil || len(ps) != 1 || f.count("ListPoliciesForUser") != 2 {
		t.Errorf("ListPoliciesForUser: %v %v, calls %d", ps, err, f.count("ListPoliciesForUser"))
	}
}

func TestSetConsistencyWindowForTesting(t *testing.T) {
	restore := SetConsistencyWindowForTesting(3 * time.Second)
	f := newFake(t)
	c, err := New(Config{Credentials: staticCred(t), RAMEndpoint: f.srv.URL, STSEndpoint: f.srv.URL})
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if c.consistencyWindow != 3*time.Second {
		t.Errorf("window %v, want 3s", c.consistencyWindow)
	}
	c2, _ := New(Config{Credentials: staticCred(t), RAMEndpoint: f.srv.URL, STSEndpoint: f.srv.URL})
	if c2.consistencyWindow != DefaultConsistencyWindow {
		t.Errorf("restored window %v, want %v", c2.consistencyWindow, DefaultConsistencyWindow)
	}
}
