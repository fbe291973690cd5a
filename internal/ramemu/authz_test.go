package ramemu

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// userClient creates a user in the account of root with the given policies attached and returns its clients.
func userWith(t *testing.T, e *testEnv, root *ram.Client, name string, policies ...[2]string) (*ram.Client, *sts.Client) {
	t.Helper()
	createUser(t, root, name)
	for _, p := range policies {
		must(t, attachTo(root, "User", name, p[0], p[1]))
	}
	k := createKey(t, root, name)
	return e.ram(k.AccessKeyId, k.AccessKeySecret), e.sts(k.AccessKeyId, k.AccessKeySecret)
}

func TestRAMUserAuthorization(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createRole(t, a, "app-role", trustB)
	createRole(t, a, "other", trustB)

	ro, _ := userWith(t, e, a, "reader", [2]string{"System", "AliyunRAMReadOnlyAccess"})
	_, err := getRole(ro, "app-role")
	must(t, err)
	_, err = ro.ListRoles(ram.CreateListRolesRequest())
	must(t, err)
	wantErrMsg(t, do(ro, "DeleteRole", "RoleName", "other"), "NoPermission", http.StatusForbidden, "You are not authorized to do this action.")

	// Resource-scoped custom policy with wildcards; explicit Deny wins.
	createPolicy(t, a, "scoped", `{"Statement":[
		{"Action":["ram:GetRole","ram:UpdateRole"],"Effect":"Allow","Resource":"acs:ram:*:1000000000000001:role/app-*"},
		{"Action":"ram:Get?ole","Effect":"Allow","Resource":"acs:ram::*:role/oth?r"},
		{"Action":"ram:UpdateRole","Effect":"Deny","Resource":"acs:ram:*:*:role/APP-ROLE"}],"Version":"1"}`)
	sc, _ := userWith(t, e, a, "scoped-user", [2]string{"Custom", "scoped"})
	_, err = getRole(sc, "APP-ROLE")
	must(t, err)
	_, err = getRole(sc, "other")
	must(t, err)
	uq := ram.CreateUpdateRoleRequest()
	uq.RoleName, uq.NewDescription = "app-role", "x"
	_, err = sc.UpdateRole(uq)
	se := wantErr(t, err, "NoPermission", http.StatusForbidden)
	if se.AccessDeniedDetail()["NoPermissionType"] != "ExplicitDeny" {
		t.Fatalf("detail %v", se.AccessDeniedDetail())
	}
	_, err = sc.ListRoles(ram.CreateListRolesRequest())
	wantErr(t, err, "NoPermission", http.StatusForbidden)

	// Policy changes apply immediately (new default version).
	_, err = newVersion(a, "scoped", permDoc("ram:*"), true, "")
	must(t, err)
	_, err = sc.ListRoles(ram.CreateListRolesRequest())
	must(t, err)

	// Conditions on identity policies: acs:SourceIp (loopback) and acs:SecureTransport (false over HTTP).
	createPolicy(t, a, "cond", `{"Statement":[
		{"Action":"ram:GetRole","Effect":"Allow","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":["127.0.0.0/8","::1"]}}},
		{"Action":"ram:ListRoles","Effect":"Allow","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"true"}}}],"Version":"1"}`)
	cu, _ := userWith(t, e, a, "cond-user", [2]string{"Custom", "cond"})
	_, err = getRole(cu, "app-role")
	must(t, err)
	_, err = cu.ListRoles(ram.CreateListRolesRequest())
	wantErr(t, err, "NoPermission", http.StatusForbidden)

	// Root of B cannot touch A (each key acts in its own account).
	_, err = getRole(e.rootB(), "app-role")
	wantErr(t, err, "EntityNotExist.Role", 404)
}

func TestAssumeRoleTrustAndConditions(t *testing.T) {
	clk := NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{Clock: clk})
	a, b := e.rootA(), e.rootB()
	_, bSTS := userWith(t, e, b, "op", [2]string{"System", "AliyunSTSAssumeRoleAccess"})
	_, bOther := userWith(t, e, b, "op2", [2]string{"System", "AliyunSTSAssumeRoleAccess"})
	arn := func(n string) string { return "acs:ram::1000000000000001:role/" + n }
	trust := func(principal, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["` + principal + `"]}` + c + `}],"Version":"1"}`
	}

	// User principal: only that user.
	createRole(t, a, "only-op", trust("acs:ram::1000000000000002:user/op", ""))
	_, err := assume(bSTS, arn("only-op"), "s1", "")
	must(t, err)
	_, err = assume(bOther, arn("only-op"), "s1", "")
	wantErr(t, err, "NoPermission", 403)

	// Source IP.
	createRole(t, a, "ip-ok", trust("acs:ram::1000000000000002:root", `{"IpAddress":{"acs:SourceIp":"127.0.0.1/32"}}`))
	createRole(t, a, "ip-bad", trust("acs:ram::1000000000000002:root", `{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`))
	_, err = assume(bSTS, arn("ip-ok"), "s1", "")
	must(t, err)
	_, err = assume(bSTS, arn("ip-bad"), "s1", "")
	wantErr(t, err, "NoPermission", 403)

	// MFA: AccessKey callers never have MFA.
	createRole(t, a, "mfa", trust("acs:ram::1000000000000002:root", `{"Bool":{"acs:MFAPresent":"true"}}`))
	_, err = assume(bSTS, arn("mfa"), "s1", "")
	wantErr(t, err, "NoPermission", 403)

	// SecureTransport: false over plain HTTP.
	createRole(t, a, "tls-only", trust("acs:ram::1000000000000002:root", `{"Bool":{"acs:SecureTransport":"true"}}`))
	_, err = assume(bSTS, arn("tls-only"), "s1", "")
	wantErr(t, err, "NoPermission", 403)

	// CurrentTime against the emulator clock.
	createRole(t, a, "until", trust("acs:ram::1000000000000002:root", `{"DateLessThan":{"acs:CurrentTime":"2030-01-02T00:00:00Z"}}`))
	_, err = assume(bSTS, arn("until"), "s1", "")
	must(t, err)

	// ExternalId: wrong value refused, right value accepted, StringNotEquals semantics.
	createRole(t, a, "ext", trust("acs:ram::1000000000000002:root", `{"StringEquals":{"sts:ExternalId":["abc-123","other"]}}`))
	_, err = assume(bSTS, arn("ext"), "s1", "wrong-id")
	wantErr(t, err, "NoPermission", 403)
	_, err = assume(bSTS, arn("EXT"), "s1", "abc-123")
	must(t, err)

	// Explicit deny in the trust policy wins.
	createRole(t, a, "deny", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"}},
		{"Action":"sts:AssumeRole","Effect":"Deny","Principal":{"RAM":"acs:ram::1000000000000002:user/op"}}],"Version":"1"}`)
	_, err = assume(bSTS, arn("deny"), "s1", "")
	wantErrMsg(t, err, "NoPermission", 403, "You are not authorized to do this action. You should be authorized by RAM.")
	_, err = assume(bOther, arn("deny"), "s1", "")
	must(t, err)

	// Service principals never match RAM users.
	createRole(t, a, "svc", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}`)
	_, err = assume(bSTS, arn("svc"), "s1", "")
	wantErr(t, err, "NoPermission", 403)

	// Parameter validation.
	for _, c := range []struct{ arn, sess, code string }{
		{"not-an-arn", "s1", "InvalidParameter.RoleArn"},
		{arn("only-op"), "x", "InvalidParameter.RoleSessionName"},
		{arn("only-op"), "bad name", "InvalidParameter.RoleSessionName"},
	} {
		_, err = assume(bSTS, c.arn, c.sess, "")
		wantErr(t, err, c.code, 400)
	}
	_, err = assume(bSTS, "acs:ram::1000000000000001:role/ghost", "s1", "")
	wantErrMsg(t, err, "EntityNotExist.Role", 404, "The specified Role not exists.")
	_, err = assume(bSTS, "acs:ram::1999999999999999:role/ghost", "s1", "")
	wantErr(t, err, "EntityNotExist.Role", 404)
	// An ARN naming a user is a role that does not exist (ram-api.md §3.1 step 3).
	_, err = assume(bSTS, "acs:ram::1000000000000001:user/x", "s1", "")
	wantErrMsg(t, err, "EntityNotExist.Role", 404, "The specified Role not exists.")
	_, err = assume(bSTS, "acs:ram::1000000000000001:user/x", "x", "")
	wantErr(t, err, "InvalidParameter.RoleSessionName", 400)
	q := sts.CreateAssumeRoleRequest()
	q.RoleArn, q.RoleSessionName, q.DurationSeconds = arn("only-op"), "s1", "899"
	_, err = bSTS.AssumeRole(q)
	wantErr(t, err, "InvalidParameter.DurationSeconds", 400)
	q = sts.CreateAssumeRoleRequest()
	q.RoleArn, q.RoleSessionName, q.DurationSeconds = arn("only-op"), "s1", "7200" // role max is 3600
	_, err = bSTS.AssumeRole(q)
	wantErr(t, err, "InvalidParameter.DurationSeconds", 400)
	q = sts.CreateAssumeRoleRequest()
	q.RoleArn, q.RoleSessionName, q.Policy = arn("only-op"), "s1", `{"Statement":"nope"}`
	_, err = bSTS.AssumeRole(q)
	wantErr(t, err, "InvalidParameter.PolicyGrammar", 400)
	_, err = assume(bSTS, "", "s1", "")
	wantErr(t, err, "MissingRoleArn", 400)

	// Expiry follows the emulator clock.
	q = sts.CreateAssumeRoleRequest()
	q.RoleArn, q.RoleSessionName, q.DurationSeconds = arn("only-op"), "short", "900"
	resp, err := bSTS.AssumeRole(q)
	must(t, err)
	if resp.Credentials.Expiration != "2030-01-01T00:15:00Z" {
		t.Fatal(resp.Credentials.Expiration)
	}
	sess := e.stsToken(resp.Credentials.AccessKeyId, resp.Credentials.AccessKeySecret, resp.Credentials.SecurityToken)
	_, err = sess.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	clk.Advance(15 * time.Minute)
	_, err = sess.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	wantErr(t, err, "InvalidSecurityToken.Expired", 400)
	// ... and so does acs:CurrentTime.
	clk.Advance(24 * time.Hour)
	_, err = assume(bSTS, arn("until"), "s1", "")
	wantErr(t, err, "NoPermission", 403)
}

func TestSessionPermissions(t *testing.T) {
	e := newEnv(t, Options{})
	a, b := e.rootA(), e.rootB()
	createRole(t, a, "admin-role", trustB)
	must(t, attachTo(a, "Role", "admin-role", "System", "AliyunRAMFullAccess"))
	createRole(t, a, "chained", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000001:role/admin-role"}}],"Version":"1"}`)
	_, bSTS := userWith(t, e, b, "op", [2]string{"System", "AliyunSTSAssumeRoleAccess"})

	// Without a session policy the session has the role's permissions.
	resp, err := assume(bSTS, "acs:ram::1000000000000001:role/admin-role", "full", "")
	must(t, err)
	c := resp.Credentials
	full := e.ramSTS(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken)
	createRole(t, full, "made-by-session", trustB)
	rq := ram.CreateListRolesRequest()
	_, err = full.ListRoles(rq)
	must(t, err)

	// With a session policy: intersection.
	q := sts.CreateAssumeRoleRequest()
	q.RoleArn, q.RoleSessionName = "acs:ram::1000000000000001:role/admin-role", "narrow"
	q.Policy = `{"Statement":[{"Action":["ram:GetRole","ecs:*"],"Effect":"Allow","Resource":"*"}],"Version":"1"}`
	resp, err = bSTS.AssumeRole(q)
	must(t, err)
	c = resp.Credentials
	narrow := e.ramSTS(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken)
	_, err = getRole(narrow, "admin-role")
	must(t, err)
	_, err = narrow.ListRoles(ram.CreateListRolesRequest())
	se := wantErr(t, err, "NoPermission", 403)
	if se.AccessDeniedDetail()["AuthPrincipalType"] != "AssumedRoleUser" {
		t.Fatalf("detail %v", se.AccessDeniedDetail())
	}

	// Role chaining: the session assumes another role that trusts its role; it needs sts:AssumeRole itself.
	narrowSTS := e.stsToken(resp.Credentials.AccessKeyId, resp.Credentials.AccessKeySecret, resp.Credentials.SecurityToken)
	_, err = assume(narrowSTS, "acs:ram::1000000000000001:role/chained", "hop", "")
	wantErr(t, err, "NoPermission", 403)
	must(t, attachTo(a, "Role", "admin-role", "System", "AliyunSTSAssumeRoleAccess"))
	r2, err := assume(e.stsToken(cFull(t, e, bSTS)), "acs:ram::1000000000000001:role/chained", "hop", "")
	must(t, err)
	id, err := e.stsToken(r2.Credentials.AccessKeyId, r2.Credentials.AccessKeySecret, r2.Credentials.SecurityToken).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	if id.Arn != "acs:ram::1000000000000001:assumed-role/chained/hop" || !strings.HasSuffix(id.PrincipalId, ":hop") || id.RoleId == "" {
		t.Fatalf("chained identity %+v", id)
	}
	// Detaching from the role removes the session's permissions at once.
	must(t, detachFrom(a, "Role", "admin-role", "System", "AliyunRAMFullAccess"))
	_, err = full.ListRoles(ram.CreateListRolesRequest())
	wantErr(t, err, "NoPermission", 403)
}

// cFull assumes admin-role without a session policy and returns the credentials.
func cFull(t *testing.T, e *testEnv, bSTS *sts.Client) (string, string, string) {
	t.Helper()
	resp, err := assume(bSTS, "acs:ram::1000000000000001:role/admin-role", "full2", "")
	must(t, err)
	return resp.Credentials.AccessKeyId, resp.Credentials.AccessKeySecret, resp.Credentials.SecurityToken
}

func TestGetCallerIdentityRoot(t *testing.T) {
	e := newEnv(t, Options{})
	id, err := e.sts(acctB.AccessKeyID, acctB.AccessKeySecret).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	if id.IdentityType != "Account" || id.Arn != "acs:ram::1000000000000002:root" || id.AccountId != acctB.ID || id.PrincipalId != acctB.ID {
		t.Fatalf("%+v", id)
	}
}
