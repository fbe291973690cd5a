// Package emulatortest runs the ramclient against the in-process emulator (internal/ramemu) through the
// real SDK wire protocol. It is a separate package so ramclient's own unit tests never depend on the
// emulator building.
package emulatortest

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
	"github.com/aliyun/credentials-go/credentials"
)

const (
	acctA = "1000000000000001"
	acctB = "1000000000000002"
)

func sp(s string) *string { return &s }

func startEmu(t *testing.T, opts ramemu.Options) (*ramemu.Server, string) {
	t.Helper()
	emu, err := ramemu.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

func cred(t *testing.T, ak, secret, token string) credentials.Credential {
	t.Helper()
	cfg := &credentials.Config{Type: sp("access_key"), AccessKeyId: sp(ak), AccessKeySecret: sp(secret)}
	if token != "" {
		cfg.Type, cfg.SecurityToken = sp("sts"), sp(token)
	}
	c, err := credentials.NewCredential(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func client(t *testing.T, url string, c credentials.Credential, expected string) *ramclient.Client {
	t.Helper()
	cl, err := ramclient.New(ramclient.Config{Credentials: c, RAMEndpoint: url, STSEndpoint: url, MaxRetries: 5, ExpectedAccountID: expected})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func accountKeys(id string) ramemu.Account {
	for _, a := range ramemu.DefaultAccounts() {
		if a.ID == id {
			return a
		}
	}
	panic("no account " + id)
}

// rootClient is a client with the root AccessKey of account id (see client for expected).
func rootClient(t *testing.T, url, id, expected string) *ramclient.Client {
	t.Helper()
	k := accountKeys(id)
	return client(t, url, cred(t, k.AccessKeyID, k.AccessKeySecret, ""), expected)
}

// twoProcesses starts an emulator whose reads lag delay behind its writes and gives two root clients of
// account id, as two Terraform commands (processes) are: neither knows what the other created.
func twoProcesses(t *testing.T, delay time.Duration, id string) (emu *ramemu.Server, first, second *ramclient.Client) {
	t.Helper()
	emu, url := startEmu(t, ramemu.Options{ConsistencyDelay: delay})
	return emu, rootClient(t, url, id, ""), rootClient(t, url, id, "")
}

func TestDelegationLifecycle(t *testing.T) {
	emu, url := startEmu(t, ramemu.Options{})
	a, b := rootClient(t, url, acctA, acctA), rootClient(t, url, acctB, acctB)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	id, err := a.CallerIdentity(ctx)
	if err != nil || id.AccountID != acctA {
		t.Fatalf("identity A: %+v %v", id, err)
	}
	if alias, err := a.AccountAlias(ctx); err != nil || alias != accountKeys(acctA).Alias {
		t.Errorf("alias: %q %v", alias, err)
	}

	trust := fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::%s:root"]}}]}`, acctB)
	role, err := a.CreateRole(ctx, ramclient.CreateRoleInput{Name: "ops-from-b", TrustPolicy: trust, Description: "B operators", MaxSessionDuration: 3600})
	if err != nil {
		t.Fatal(err)
	}
	if role.ARN == "" || role.ID == "" {
		t.Errorf("role %+v", role)
	}
	if _, err := a.CreateRole(ctx, ramclient.CreateRoleInput{Name: "ops-from-b", TrustPolicy: trust}); !ramclient.IsAlreadyExists(err) {
		t.Errorf("duplicate role: %v", err)
	}
	got, err := a.GetRole(ctx, "ops-from-b")
	if err != nil || got.TrustPolicy == "" || got.Description != "B operators" {
		t.Fatalf("GetRole %+v %v", got, err)
	}
	desc := "changed"
	if r, err := a.UpdateRole(ctx, ramclient.UpdateRoleInput{Name: "ops-from-b", Description: &desc}); err != nil || r.Description != "changed" {
		t.Fatalf("UpdateRole %+v %v", r, err)
	}
	if err := a.TagResource(ctx, "role", "ops-from-b", map[string]string{"env": "prod", "team": "sec"}); err != nil {
		t.Fatal(err)
	}
	if err := a.UntagResource(ctx, "role", "ops-from-b", []string{"team"}); err != nil {
		t.Fatal(err)
	}
	if tags, err := a.ListTags(ctx, "role", "ops-from-b"); err != nil || len(tags) != 1 || tags["env"] != "prod" {
		t.Errorf("tags %v %v", tags, err)
	}

	doc1 := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`
	doc2 := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject","oss:ListObjects"],"Resource":"*"}]}`
	if _, err := a.CreatePolicy(ctx, ramclient.CreatePolicyInput{Name: "oss-read", Document: doc1, Description: "read"}); err != nil {
		t.Fatal(err)
	}
	if v, err := a.CreatePolicyVersion(ctx, "oss-read", doc2, true, true); err != nil || v.ID == "" {
		t.Fatalf("CreatePolicyVersion %+v %v", v, err)
	}
	p, err := a.GetPolicy(ctx, "oss-read", "Custom")
	if err != nil || p.Document != doc2 || p.DefaultVersion == "v1" {
		t.Fatalf("GetPolicy %+v %v", p, err)
	}
	if err := a.UpdatePolicyDescription(ctx, "oss-read", "read objects"); err != nil {
		t.Fatal(err)
	}
	vs, err := a.ListPolicyVersions(ctx, "oss-read", "Custom")
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions %v %v", vs, err)
	}
	if err := a.AttachPolicyToRole(ctx, "ops-from-b", "Custom", "oss-read"); err != nil {
		t.Fatal(err)
	}
	if err := a.AttachPolicyToRole(ctx, "ops-from-b", "System", "ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	ents, err := a.ListEntitiesForPolicy(ctx, "oss-read", "Custom")
	if err != nil || len(ents.Roles) != 1 {
		t.Fatalf("entities %+v %v", ents, err)
	}

	// Coalescing: 20 attachment reads of one role cost one ListPoliciesForRole.
	emu.ResetStats()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps, err := a.ListPoliciesForRole(ctx, "ops-from-b")
			if err != nil || len(ps) != 2 {
				t.Errorf("ListPoliciesForRole %v %v", ps, err)
			}
		}()
	}
	wg.Wait()
	if n := emu.Stats().Calls["Ram.ListPoliciesForRole"]; n != 1 {
		t.Errorf("20 reads made %d ListPoliciesForRole calls, want 1", n)
	}

	// B side: an operator user allowed to assume roles.
	if _, err := b.CreateUser(ctx, ramclient.CreateUserInput{Name: "alice", DisplayName: "Alice"}); err != nil {
		t.Fatal(err)
	}
	if users, err := b.ListUsers(ctx); err != nil || len(users) == 0 || users[len(users)-1].Name == "" {
		t.Fatalf("ListUsers %v %v", users, err)
	}
	if err := b.AttachPolicyToUser(ctx, "alice", "System", "AliyunSTSAssumeRoleAccess"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateLoginProfile(ctx, ramclient.LoginProfileInput{UserName: "alice", Password: "Str0ng!Passw0rd#2026", PasswordResetRequired: true}); err != nil {
		t.Fatal(err)
	}
	if lp, err := b.GetLoginProfile(ctx, "alice"); err != nil || !lp.PasswordResetRequired {
		t.Fatalf("login profile %+v %v", lp, err)
	}
	if err := b.UpdateLoginProfile(ctx, ramclient.LoginProfileInput{UserName: "alice"}.Update()); err != nil {
		t.Fatal(err)
	}
	if lp, err := b.GetLoginProfile(ctx, "alice"); err != nil || lp.PasswordResetRequired {
		t.Fatalf("login profile after update %+v %v (cache not invalidated?)", lp, err)
	}
	key, err := b.CreateAccessKey(ctx, "alice")
	if err != nil || key.Secret == "" {
		t.Fatalf("CreateAccessKey %+v %v", key, err)
	}
	if ks, err := b.ListAccessKeys(ctx, "alice"); err != nil || len(ks) != 1 || ks[0].Secret != "" {
		t.Fatalf("ListAccessKeys %+v %v", ks, err)
	}

	alice := client(t, url, cred(t, key.ID, key.Secret, ""), "")
	tc, err := alice.AssumeRole(ctx, ramclient.AssumeRoleInput{RoleARN: role.ARN, SessionName: "alice-session", DurationSeconds: 900})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if !strings.HasPrefix(tc.AccessKeyID, "STS.") || tc.SecurityToken == "" || time.Until(tc.Expiration) < 10*time.Minute {
		t.Errorf("temporary credentials %+v", tc.Expiration)
	}
	sess := client(t, url, cred(t, tc.AccessKeyID, tc.AccessKeySecret, tc.SecurityToken), "")
	sid, err := sess.CallerIdentity(ctx)
	if err != nil || sid.AccountID != acctA || sid.IdentityType != "AssumedRoleUser" {
		t.Fatalf("session identity %+v %v", sid, err)
	}

	// Teardown, as resources' Delete would do it.
	if err := a.DetachPolicyFromRole(ctx, "ops-from-b", "Custom", "oss-read"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteRole(ctx, "ops-from-b"); !ramclient.IsConflict(err) {
		t.Errorf("DeleteRole with an attachment left: %v", err)
	}
	if err := a.DetachPolicyFromRole(ctx, "ops-from-b", "System", "ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteRole(ctx, "ops-from-b"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetRole(ctx, "ops-from-b"); !ramclient.IsNotFound(err) {
		t.Errorf("GetRole after delete: %v", err)
	}
	for _, v := range vs {
		if !v.IsDefault {
			if err := a.DeletePolicyVersion(ctx, "oss-read", v.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.DeletePolicy(ctx, "oss-read"); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteAccessKey(ctx, "alice", key.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteLoginProfile(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := b.DetachPolicyFromUser(ctx, "alice", "System", "AliyunSTSAssumeRoleAccess"); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	st := emu.State()
	for _, acct := range st.Accounts {
		if len(acct.Roles) != 0 || len(acct.Users) != 0 || len(acct.Policies) != 0 || len(acct.Attachments) != 0 {
			t.Errorf("account %s not empty: %+v", acct.ID, acct)
		}
	}
}

func TestWrongSecretAndGuard(t *testing.T) {
	emu, url := startEmu(t, ramemu.Options{})
	ctx := context.Background()

	bad := client(t, url, cred(t, accountKeys(acctA).AccessKeyID, "WrongSecret0000000000000000000", ""), "")
	_, err := bad.CallerIdentity(ctx)
	if !ramclient.IsAuth(err) || !ramclient.HasCode(err, "SignatureDoesNotMatch") ||
		!strings.Contains(err.Error(), "secret_key") || strings.Contains(err.Error(), "string to sign") {
		t.Errorf("wrong secret: %v", err)
	}

	emu.ResetStats()
	wrong := rootClient(t, url, acctB, acctA)
	_, err = wrong.CreateRole(ctx, ramclient.CreateRoleInput{Name: "x", TrustPolicy: "{}"})
	var me *ramclient.AccountMismatchError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), acctA) || !strings.Contains(err.Error(), acctB) {
		t.Fatalf("guard: %v", err)
	}
	calls := emu.Stats().Calls
	for k := range calls {
		if k != "Sts.GetCallerIdentity" {
			t.Errorf("unexpected call %s before the guard", k)
		}
	}
}

func TestThrottlingRetried(t *testing.T) {
	if testing.Short() {
		t.Skip("uses real backoff timings")
	}
	emu, url := startEmu(t, ramemu.Options{ThrottleQPS: 5})
	ka := accountKeys(acctA)
	c, err := ramclient.New(ramclient.Config{Credentials: cred(t, ka.AccessKeyID, ka.AccessKeySecret, ""), RAMEndpoint: url, STSEndpoint: url, MaxRetries: 10})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListUsers(ctx); err != nil { // uncached: every call reaches the emulator
				t.Errorf("ListUsers: %v", err)
			}
		}()
	}
	wg.Wait()
	st := emu.Stats()
	throttled := int64(0)
	for code, n := range st.Errors {
		if strings.Contains(code, "Throttling") {
			throttled += n
		}
	}
	if throttled == 0 {
		t.Logf("emulator did not throttle (stats %+v); retry path not exercised", st)
	}
	if got := c.CallCount()["Ram.ListUsers"]; got != st.Calls["Ram.ListUsers"] {
		t.Errorf("client counted %d calls, emulator saw %d", got, st.Calls["Ram.ListUsers"])
	}
}

func TestEventualConsistency(t *testing.T) {
	_, a, other := twoProcesses(t, 400*time.Millisecond, acctA)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	trust := fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::%s:root"]}}]}`, acctB)
	if _, err := a.CreateRole(ctx, ramclient.CreateRoleInput{Name: "lagging", TrustPolicy: trust}); err != nil {
		t.Fatal(err)
	}
	// Another client (did not create it) sees the real, lagging answer at once.
	start := time.Now()
	if _, err := other.GetRole(ctx, "lagging"); !ramclient.IsNotFound(err) || time.Since(start) > 300*time.Millisecond {
		t.Errorf("other client: %v after %v", err, time.Since(start))
	}
	// The creating client waits out the lag.
	if r, err := a.GetRole(ctx, "lagging"); err != nil || r.Name != "lagging" {
		t.Fatalf("GetRole after own create: %+v %v", r, err)
	}
	if err := a.AttachPolicyToRole(ctx, "lagging", "System", "ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	ps, err := a.ListPoliciesForRole(ctx, "lagging")
	if err != nil || len(ps) != 1 || ps[0].Name != "ReadOnlyAccess" {
		t.Fatalf("ListPoliciesForRole after own attach: %v %v", ps, err)
	}
	if _, err := a.CreateUser(ctx, ramclient.CreateUserInput{Name: "lagger"}); err != nil {
		t.Fatal(err)
	}
	if u, err := a.GetUser(ctx, "lagger"); err != nil || u.Name != "lagger" {
		t.Fatalf("GetUser after own create: %+v %v", u, err)
	}
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`
	if _, err := a.CreatePolicy(ctx, ramclient.CreatePolicyInput{Name: "lagpol", Document: doc}); err != nil {
		t.Fatal(err)
	}
	if p, err := a.GetPolicy(ctx, "lagpol", "Custom"); err != nil || p.Document != doc {
		t.Fatalf("GetPolicy after own create: %+v %v", p, err)
	}
}

// TestDeleteRightAfterCreateByAnotherClient: the destroy of a user with everything it holds, run by a client
// that did not make the creates (Terraform runs every command in a new process) while RAM's reads do not show
// them yet. The reads answer NotFound or an empty list; the deletes, writes, see the truth and answer
// DeleteConflict: the user and its policy are still deleted, and nothing is left.
func TestDeleteRightAfterCreateByAnotherClient(t *testing.T) {
	emu, creator, destroyer := twoProcesses(t, 2*time.Second, acctB)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"acs:ram::1000000000000001:role/r"}]}`
	if _, err := creator.CreateUser(ctx, ramclient.CreateUserInput{Name: "fresh"}); err != nil {
		t.Fatal(err)
	}
	if _, err := creator.CreatePolicy(ctx, ramclient.CreatePolicyInput{Name: "AssumeRole-fresh", Document: doc}); err != nil {
		t.Fatal(err)
	}
	if err := creator.AttachPolicyToUser(ctx, "fresh", "Custom", "AssumeRole-fresh"); err != nil {
		t.Fatal(err)
	}
	if _, err := creator.CreateLoginProfile(ctx, ramclient.LoginProfileInput{UserName: "fresh", Password: "Fresh-Passw0rd-2026"}); err != nil {
		t.Fatal(err)
	}
	if _, err := creator.CreateAccessKey(ctx, "fresh"); err != nil {
		t.Fatal(err)
	}
	if _, err := creator.CreatePolicy(ctx, ramclient.CreatePolicyInput{Name: "unattached-fresh", Document: doc}); err != nil {
		t.Fatal(err)
	}
	if _, err := destroyer.ListPoliciesForUser(ctx, "fresh"); !ramclient.IsNotFound(err) {
		t.Fatalf("ListPoliciesForUser right after the create: %v, want NotFound (the emulator's replication delay)", err)
	}

	// A policy the reads do not show yet is deleted, not taken for gone.
	if err := destroyer.DeletePolicyWith(ctx, "unattached-fresh", ramclient.DeletePolicyOptions{DetachEverywhere: true}); err != nil {
		t.Fatalf("DeletePolicyWith(unattached-fresh): %v", err)
	}

	if err := destroyer.DeleteUserWith(ctx, "fresh", ramclient.DeleteUserOptions{RemoveDependents: true}); err != nil {
		t.Fatalf("DeleteUserWith: %v", err)
	}
	if err := destroyer.DeletePolicyWith(ctx, "AssumeRole-fresh", ramclient.DeletePolicyOptions{DetachEverywhere: true}); err != nil {
		t.Fatalf("DeletePolicyWith: %v", err)
	}
	for _, acct := range emu.State().Accounts {
		if len(acct.Users) != 0 || len(acct.Policies) != 0 || len(acct.Attachments) != 0 {
			t.Errorf("account %s not empty: %+v", acct.ID, acct)
		}
	}
}
