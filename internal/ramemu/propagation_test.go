package ramemu

import (
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

const propagationDelay = 2 * time.Second

// propagationEnv is account A with role "target" trusting account B, and account B with user "op"; the
// fake clock starts after everything created so far is in effect.
func propagationEnv(t *testing.T) (*testEnv, *FakeClock) {
	t.Helper()
	clk := NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{Clock: clk, ConsistencyDelay: propagationDelay})
	createRole(t, e.rootA(), "target", trustB)
	createUser(t, e.rootB(), "op")
	clk.Advance(propagationDelay)
	return e, clk
}

const targetArn = "acs:ram::1000000000000001:role/target"

func wantDenied(t *testing.T, err error, policyType string) {
	t.Helper()
	se := wantErr(t, err, "NoPermission", 403)
	if got := se.AccessDeniedDetail()["PolicyType"]; got != policyType {
		t.Fatalf("denied by %q, want %q (%v)", got, policyType, se.AccessDeniedDetail())
	}
}

// TestPropagationNewAccessKey: a key used before the delay has passed is unknown to STS and to RAM, as a key
// used seconds after its creation is on real RAM; once the delay has passed it works.
func TestPropagationNewAccessKey(t *testing.T) {
	e, clk := propagationEnv(t)
	b := e.rootB()
	must(t, attachTo(b, "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	must(t, attachTo(b, "User", "op", "System", "AliyunRAMReadOnlyAccess"))
	clk.Advance(propagationDelay)
	k := createKey(t, b, "op")
	_, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "early", "")
	wantErr(t, err, "InvalidAccessKeyId.NotFound", 404)
	_, err = e.ram(k.AccessKeyId, k.AccessKeySecret).ListRoles(ram.CreateListRolesRequest())
	wantErr(t, err, "InvalidAccessKeyId.NotFound", 404)
	// The key exists for its owner's account all the same.
	lq := ram.CreateListAccessKeysRequest()
	lq.UserName = "op"
	lk, err := b.ListAccessKeys(lq)
	must(t, err)
	if len(lk.AccessKeys.AccessKey) != 1 {
		t.Fatalf("keys %+v", lk.AccessKeys.AccessKey)
	}

	clk.Advance(propagationDelay - time.Second)
	_, err = assume(e.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "still-early", "")
	wantErr(t, err, "InvalidAccessKeyId.NotFound", 404)
	clk.Advance(time.Second)
	if _, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "in-time", ""); err != nil {
		t.Fatalf("AssumeRole after the delay: %v", err)
	}
	_, err = e.ram(k.AccessKeyId, k.AccessKeySecret).ListRoles(ram.CreateListRolesRequest())
	must(t, err)

	// Disabling bites at once; re-enabling is a grant and propagates like a new key.
	uq := ram.CreateUpdateAccessKeyRequest()
	uq.UserName, uq.UserAccessKeyId, uq.Status = "op", k.AccessKeyId, "Inactive"
	_, err = b.UpdateAccessKey(uq)
	must(t, err)
	_, err = assume(e.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "disabled", "")
	wantErr(t, err, "InvalidAccessKeyId.Inactive", 400)
	uq.Status = "Active"
	_, err = b.UpdateAccessKey(uq)
	must(t, err)
	_, err = assume(e.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "re-enabled", "")
	wantErr(t, err, "InvalidAccessKeyId.NotFound", 404)
	clk.Advance(propagationDelay)
	if _, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "re-enabled", ""); err != nil {
		t.Fatalf("AssumeRole after re-enabling and the delay: %v", err)
	}

	// Deleting bites at once.
	must(t, do(b, "DeleteAccessKey", "UserName", "op", "UserAccessKeyId", k.AccessKeyId))
	_, err = assume(e.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "deleted", "")
	wantErr(t, err, "InvalidAccessKeyId.NotFound", 404)
}

// TestPropagationNewAttachment: a fresh attachment of AliyunSTSAssumeRoleAccess (or of a RAM policy) grants
// nothing until the delay has passed; a detach takes the grant away at once.
func TestPropagationNewAttachment(t *testing.T) {
	e, clk := propagationEnv(t)
	b := e.rootB()
	k := createKey(t, b, "op")
	clk.Advance(propagationDelay)
	op, opRAM := e.sts(k.AccessKeyId, k.AccessKeySecret), e.ram(k.AccessKeyId, k.AccessKeySecret)

	must(t, attachTo(b, "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	must(t, attachTo(b, "User", "op", "System", "AliyunRAMReadOnlyAccess"))
	_, err := assume(op, targetArn, "early", "")
	wantDenied(t, err, "AccountLevelIdentityBasedPolicy")
	_, err = opRAM.ListRoles(ram.CreateListRolesRequest())
	wantDenied(t, err, "AccountLevelIdentityBasedPolicy")

	clk.Advance(propagationDelay)
	if _, err := assume(op, targetArn, "in-time", ""); err != nil {
		t.Fatalf("AssumeRole after the delay: %v", err)
	}
	_, err = opRAM.ListRoles(ram.CreateListRolesRequest())
	must(t, err)

	must(t, detachFrom(b, "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	_, err = assume(op, targetArn, "detached", "")
	wantDenied(t, err, "AccountLevelIdentityBasedPolicy")
}

// TestPropagationTrust: a new role's trust, and a changed trust document, take effect for AssumeRole only
// after the delay; a trust narrowed to exclude the caller refuses it at once.
func TestPropagationTrust(t *testing.T) {
	e, clk := propagationEnv(t)
	a, b := e.rootA(), e.rootB()
	must(t, attachTo(b, "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	k := createKey(t, b, "op")
	clk.Advance(propagationDelay)
	op := e.sts(k.AccessKeyId, k.AccessKeySecret)

	createRole(t, a, "fresh", trustB)
	_, err := assume(op, "acs:ram::1000000000000001:role/fresh", "early", "")
	wantDenied(t, err, "AssumeRolePolicy")
	clk.Advance(propagationDelay)
	if _, err := assume(op, "acs:ram::1000000000000001:role/fresh", "in-time", ""); err != nil {
		t.Fatalf("AssumeRole of a new role after the delay: %v", err)
	}

	updateTrust := func(doc string) {
		t.Helper()
		fetch(t, a, ram.CreateUpdateRoleResponse(), "UpdateRole", "RoleName", "target", "NewAssumeRolePolicyDocument", doc)
	}
	onlyOther := `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:user/other"]}}],"Version":"1"}`
	opOnly := `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:user/op"]}}],"Version":"1"}`

	// Narrowed: refused at once.
	updateTrust(onlyOther)
	_, err = assume(op, targetArn, "narrowed", "")
	wantDenied(t, err, "AssumeRolePolicy")
	clk.Advance(propagationDelay)

	// Widened again: the new document is not in effect yet, and the one it replaced does not allow op.
	updateTrust(opOnly)
	_, err = assume(op, targetArn, "early", "")
	wantDenied(t, err, "AssumeRolePolicy")
	// A second change inside the delay keeps the document in effect before the first as the reference.
	clk.Advance(propagationDelay / 2)
	updateTrust(trustB)
	_, err = assume(op, targetArn, "early-again", "")
	wantDenied(t, err, "AssumeRolePolicy")
	clk.Advance(propagationDelay)
	if _, err := assume(op, targetArn, "in-time", ""); err != nil {
		t.Fatalf("AssumeRole after the trust change and the delay: %v", err)
	}
}

// TestPropagationSurvivesRestart: what is still propagating when the state is saved is still propagating
// after a restart: a trust change and a new key.
func TestPropagationSurvivesRestart(t *testing.T) {
	clk := NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	opts := Options{Clock: clk, ConsistencyDelay: propagationDelay, StatePath: t.TempDir() + "/state.json"}
	e := newEnv(t, opts)
	createRole(t, e.rootA(), "target", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:user/other"]}}],"Version":"1"}`)
	createUser(t, e.rootB(), "op")
	must(t, attachTo(e.rootB(), "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	old := createKey(t, e.rootB(), "op")
	clk.Advance(propagationDelay)
	uq := ram.CreateUpdateRoleRequest()
	uq.RoleName, uq.NewAssumeRolePolicyDocument = "target", trustB
	_, err := e.rootA().UpdateRole(uq)
	must(t, err)
	fresh := createKey(t, e.rootB(), "op")

	e2 := newEnv(t, opts)
	_, err = assume(e2.sts(old.AccessKeyId, old.AccessKeySecret), targetArn, "early", "")
	wantDenied(t, err, "AssumeRolePolicy")
	_, err = assume(e2.sts(fresh.AccessKeyId, fresh.AccessKeySecret), targetArn, "early", "")
	wantErr(t, err, "InvalidAccessKeyId.NotFound", 404)
	clk.Advance(propagationDelay)
	for _, k := range []ram.AccessKey{old, fresh} {
		if _, err := assume(e2.sts(k.AccessKeyId, k.AccessKeySecret), targetArn, "in-time", ""); err != nil {
			t.Fatalf("after restart and the delay: %v", err)
		}
	}
}
