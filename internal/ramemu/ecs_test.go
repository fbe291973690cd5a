package ramemu

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/aliyun/credentials-go/credentials/providers"
)

const trustECS = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}`

// trustRoleOfB trusts sessions of B's role app-role only.
const trustRoleOfB = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:role/app-role"]}}],"Version":"1"}`

func addInstance(t *testing.T, s *Server, spec ECSInstanceSpec) ECSInstance {
	t.Helper()
	in, err := s.AddECSInstance(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.RemoveECSInstance(in.InstanceID) })
	return in
}

// metadataGet reads a metadata path directly from the instance's endpoint; tok "" sends no token.
func metadataGet(t *testing.T, in ECSInstance, path, tok string) (int, string) {
	return metadataDo(t, in, http.MethodGet, path, "X-aliyun-ecs-metadata-token", tok)
}

// metadataToken asks for an IMDSv2 token; ttl "" sends no TTL header.
func metadataToken(t *testing.T, in ECSInstance, ttl string) (int, string) {
	return metadataDo(t, in, http.MethodPut, "/latest/api/token", "X-aliyun-ecs-metadata-token-ttl-seconds", ttl)
}

func metadataDo(t *testing.T, in ECSInstance, method, path, header, value string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, in.MetadataEndpoint+path, nil)
	if value != "" {
		req.Header.Set(header, value)
	}
	status, b := httpDo(t, req)
	return status, string(b)
}

func instanceCreds(t *testing.T, in ECSInstance) ecsCredentials {
	t.Helper()
	status, body := metadataGet(t, in, "/latest/meta-data/ram/security-credentials/"+in.RoleName, "")
	if status != http.StatusOK {
		t.Fatalf("credentials: %d %s", status, body)
	}
	var c ecsCredentials
	must(t, json.Unmarshal([]byte(body), &c))
	if c.Code != "Success" || c.AccessKeyID == "" || c.AccessKeySecret == "" || c.SecurityToken == "" {
		t.Fatalf("incomplete credentials: %s", body)
	}
	return c
}

// ECS refuses to attach a role that does not exist or that does not trust ecs.aliyuncs.com.
func TestECSInstanceRoleMustTrustECS(t *testing.T) {
	e := newEnv(t, Options{})
	createRole(t, e.rootB(), "ram-trusted", trustB)
	createRole(t, e.rootB(), "app-role", trustECS)
	for name, want := range map[string]string{"missing": "InvalidRamRole.NotFound", "ram-trusted": "InvalidRamRole.NotEcsRole"} {
		_, err := e.srv.AddECSInstance(ECSInstanceSpec{AccountID: acctB.ID, RoleName: name})
		var ae *ecsAttachError
		if !errors.As(err, &ae) || ae.Code != want {
			t.Fatalf("role %s: want %s, got %v", name, want, err)
		}
	}
	// A role of another account is not the instance's.
	createRole(t, e.rootA(), "a-role", trustECS)
	if _, err := e.srv.AddECSInstance(ECSInstanceSpec{AccountID: acctB.ID, RoleName: "a-role"}); err == nil {
		t.Fatal("a role of account A attached to an instance of B")
	}
	if _, err := e.srv.AddECSInstance(ECSInstanceSpec{AccountID: acctB.ID, InstanceID: "web-1"}); err == nil {
		t.Fatal("an instance ID that is not i-... accepted")
	}
	in := addInstance(t, e.srv, ECSInstanceSpec{AccountID: acctB.ID, RoleName: "APP-ROLE"})
	if in.RoleName != "app-role" || !strings.HasPrefix(in.InstanceID, "i-") || !strings.HasPrefix(in.MetadataEndpoint, "http://127.0.0.1:") {
		t.Fatalf("instance: %+v", in)
	}
	if _, err := e.srv.AddECSInstance(ECSInstanceSpec{AccountID: acctB.ID, InstanceID: in.InstanceID}); err == nil {
		t.Fatal("duplicate instance ID accepted")
	}
	if got := e.srv.ECSInstances(); len(got) != 1 || got[0].InstanceID != in.InstanceID {
		t.Fatalf("instances: %+v", got)
	}
}

// The chain as an application on B's instance runs it: credentials-go's ECS RAM role provider (the metadata
// host reached through its proxy option) gets the instance role's credentials, which assume A's role where A
// trusts that role of B and B granted it sts:AssumeRole; B's other roles are refused.
func TestECSMetadataCredentialsThroughCredentialsGo(t *testing.T) {
	e := newEnv(t, Options{})
	createRole(t, e.rootB(), "app-role", trustECS)
	must(t, attachTo(e.rootB(), "Role", "app-role", "System", "AliyunSTSAssumeRoleAccess"))
	createRole(t, e.rootB(), "other-role", trustECS) // trusted by ECS, granted nothing
	createRole(t, e.rootA(), "ops", trustRoleOfB)
	must(t, attachTo(e.rootA(), "Role", "ops", "System", "AliyunRAMReadOnlyAccess"))
	in := addInstance(t, e.srv, ECSInstanceSpec{AccountID: acctB.ID, RoleName: "app-role", IMDSv2Required: true})

	p, err := providers.NewECSRAMRoleCredentialsProviderBuilder().
		WithHttpOptions(&providers.HttpOptions{Proxy: in.MetadataEndpoint}).WithDisableIMDSv1(true).Build()
	must(t, err)
	cc, err := p.GetCredentials() // no role name: read from security-credentials/, as the SDKs do
	must(t, err)
	who, err := e.stsToken(cc.AccessKeyId, cc.AccessKeySecret, cc.SecurityToken).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	if want := "acs:ram::" + acctB.ID + ":assumed-role/app-role/" + in.InstanceID; who.Arn != want || who.AccountId != acctB.ID {
		t.Fatalf("caller identity %s (%s), want %s", who.Arn, who.AccountId, want)
	}

	assumed, err := assume(e.stsToken(cc.AccessKeyId, cc.AccessKeySecret, cc.SecurityToken), "acs:ram::"+acctA.ID+":role/ops", "app", "")
	must(t, err)
	c := assumed.Credentials
	if _, err := getRole(e.ramSTS(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken), "ops"); err != nil {
		t.Fatalf("acting as A's role: %v", err)
	}

	other := addInstance(t, e.srv, ECSInstanceSpec{AccountID: acctB.ID, RoleName: "other-role"})
	oc := instanceCreds(t, other)
	_, err = assume(e.stsToken(oc.AccessKeyID, oc.AccessKeySecret, oc.SecurityToken), "acs:ram::"+acctA.ID+":role/ops", "app", "")
	wantErr(t, err, "NoPermission", http.StatusForbidden)

	// Granted in B but not trusted by A: A's trust names app-role only.
	must(t, attachTo(e.rootB(), "Role", "other-role", "System", "AliyunSTSAssumeRoleAccess"))
	_, err = assume(e.stsToken(oc.AccessKeyID, oc.AccessKeySecret, oc.SecurityToken), "acs:ram::"+acctA.ID+":role/ops", "app", "")
	wantErr(t, err, "NoPermission", http.StatusForbidden)

	// A RAM caller cannot assume a role trusted only by the ECS service.
	_, err = assume(e.sts(acctB.AccessKeyID, acctB.AccessKeySecret), "acs:ram::"+acctB.ID+":role/app-role", "x1", "")
	wantErr(t, err, "NoPermission", http.StatusForbidden)
}

// The IMDSv2 token: PUT /latest/api/token with a TTL of 1..21600 s; required in hardened mode, checked when sent.
func TestECSMetadataToken(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{Clock: clock})
	createRole(t, e.rootB(), "app-role", trustECS)
	hard := addInstance(t, e.srv, ECSInstanceSpec{AccountID: acctB.ID, RoleName: "app-role", IMDSv2Required: true})
	soft := addInstance(t, e.srv, ECSInstanceSpec{AccountID: acctB.ID, RoleName: "app-role"})

	for _, ttl := range []string{"", "0", "21601", "x"} {
		if st, _ := metadataToken(t, hard, ttl); st != http.StatusBadRequest {
			t.Fatalf("ttl %q: status %d, want 400", ttl, st)
		}
	}
	if st, _ := metadataGet(t, hard, "/latest/meta-data/ram/security-credentials/", ""); st != http.StatusUnauthorized {
		t.Fatalf("hardened instance without token: %d", st)
	}
	st, tok := metadataToken(t, hard, "60")
	if st != http.StatusOK || tok == "" {
		t.Fatalf("token: %d %q", st, tok)
	}
	if st, body := metadataGet(t, hard, "/latest/meta-data/ram/security-credentials/", tok); st != http.StatusOK || body != "app-role" {
		t.Fatalf("role name: %d %q", st, body)
	}
	if st, body := metadataGet(t, hard, "/latest/meta-data/instance-id", tok); st != http.StatusOK || body != hard.InstanceID {
		t.Fatalf("instance-id: %d %q", st, body)
	}
	// A token is the instance's own.
	if st, _ := metadataGet(t, soft, "/latest/meta-data/instance-id", tok); st != http.StatusUnauthorized {
		t.Fatalf("another instance's token: %d", st)
	}
	if st, _ := metadataGet(t, soft, "/latest/meta-data/instance-id", ""); st != http.StatusOK {
		t.Fatalf("IMDSv1 read on a normal instance: %d", st)
	}
	clock.Advance(61 * time.Second)
	if st, _ := metadataGet(t, hard, "/latest/meta-data/instance-id", tok); st != http.StatusUnauthorized {
		t.Fatalf("expired token: %d", st)
	}
	if st, _ := metadataGet(t, hard, "/latest/meta-data/ram/security-credentials/other", ""); st != http.StatusUnauthorized {
		t.Fatalf("no token checked before the path: %d", st)
	}
	if st, _ := metadataGet(t, soft, "/latest/meta-data/ram/security-credentials/other", ""); st != http.StatusNotFound {
		t.Fatalf("a role not attached: %d", st)
	}
}

// Credentials last six hours, stay the same until one hour is left, are then replaced; the old set works
// until its own expiry.
func TestECSMetadataCredentialsExpireAndRefresh(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{Clock: clock})
	createRole(t, e.rootB(), "app-role", trustECS)
	in := addInstance(t, e.srv, ECSInstanceSpec{AccountID: acctB.ID, RoleName: "app-role"})

	first := instanceCreds(t, in)
	if first.Expiration != "2026-05-01T14:00:00Z" || first.LastUpdated != "2026-05-01T08:00:00Z" {
		t.Fatalf("first set: expiration %s, last updated %s", first.Expiration, first.LastUpdated)
	}
	clock.Advance(4*time.Hour + 59*time.Minute)
	if again := instanceCreds(t, in); again.AccessKeyID != first.AccessKeyID || again.LastUpdated != first.LastUpdated {
		t.Fatalf("renewed too early: %+v", again)
	}
	clock.Advance(2 * time.Minute) // 58 min left
	second := instanceCreds(t, in)
	if second.AccessKeyID == first.AccessKeyID || second.LastUpdated != "2026-05-01T13:01:00Z" || second.Expiration != "2026-05-01T19:01:00Z" {
		t.Fatalf("not renewed with an hour left: %+v", second)
	}
	whoami := func(c ecsCredentials) error {
		_, err := e.stsToken(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
		return err
	}
	must(t, whoami(first))
	must(t, whoami(second))
	clock.Advance(time.Hour)
	wantErr(t, whoami(first), "InvalidSecurityToken.Expired", http.StatusBadRequest)
	must(t, whoami(second))
}

// What ECS cannot assume any longer it does not hand out: a trust narrowed after the attach, a deleted role.
// A deleted role also revokes what was handed out.
func TestECSMetadataFollowsTheRole(t *testing.T) {
	e := newEnv(t, Options{})
	createRole(t, e.rootB(), "app-role", trustECS)
	in := addInstance(t, e.srv, ECSInstanceSpec{AccountID: acctB.ID, RoleName: "app-role"})
	c := instanceCreds(t, in)

	up := ram.CreateUpdateRoleRequest()
	up.RoleName, up.NewAssumeRolePolicyDocument = "app-role", trustB
	_, err := e.rootB().UpdateRole(up)
	must(t, err)
	if st, _ := metadataGet(t, in, "/latest/meta-data/ram/security-credentials/app-role", ""); st != http.StatusForbidden {
		t.Fatalf("role no longer trusting ECS: %d", st)
	}
	up.NewAssumeRolePolicyDocument = trustECS
	_, err = e.rootB().UpdateRole(up)
	must(t, err)
	instanceCreds(t, in)

	del := ram.CreateDeleteRoleRequest()
	del.RoleName = "app-role"
	_, err = e.rootB().DeleteRole(del)
	must(t, err)
	if st, _ := metadataGet(t, in, "/latest/meta-data/ram/security-credentials/app-role", ""); st != http.StatusNotFound {
		t.Fatalf("deleted role: %d", st)
	}
	_, err = e.stsToken(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	wantErr(t, err, "InvalidSecurityToken.Expired", http.StatusBadRequest)

	// Re-created under the same name: a new role, new credentials.
	createRole(t, e.rootB(), "app-role", trustECS)
	if again := instanceCreds(t, in); again.AccessKeyID == c.AccessKeyID {
		t.Fatal("credentials of the deleted role handed out again")
	}
}

// The metadata endpoint proxies only 100.100.100.200, and the admin API declares, lists and removes instances.
func TestECSAdminAPIAndProxy(t *testing.T) {
	e := newEnv(t, Options{})
	createRole(t, e.rootB(), "app-role", trustECS)
	createRole(t, e.rootB(), "ram-trusted", trustB)
	post := func(body string) (int, map[string]any) {
		resp, err := http.Post(e.ts.URL+"/_emulator/ecs/instances", "application/json", bytes.NewBufferString(body))
		must(t, err)
		defer resp.Body.Close()
		var out map[string]any
		must(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	if st, out := post(`{"account_id":"` + acctB.ID + `","role_name":"ram-trusted"}`); st != http.StatusBadRequest || out["code"] != "InvalidRamRole.NotEcsRole" {
		t.Fatalf("not an ECS role: %d %v", st, out)
	}
	if st, _ := post(`{"account_id":"` + acctB.ID + `","role":"app-role"}`); st != http.StatusBadRequest {
		t.Fatal("unknown field accepted")
	}
	st, out := post(`{"account_id":"` + acctB.ID + `","instance_id":"i-app0000001","role_name":"app-role"}`)
	if st != http.StatusOK || out["instance_id"] != "i-app0000001" || out["metadata_endpoint"] == "" {
		t.Fatalf("declare: %d %v", st, out)
	}
	in := e.srv.ECSInstances()[0]
	instanceCreds(t, in)

	// As a proxy: an absolute-form request for the metadata host is served, one for any other host is not.
	for host, want := range map[string]int{"100.100.100.200": http.StatusOK, "example.com": http.StatusForbidden} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+host+"/latest/meta-data/instance-id", nil)
		proxied := &http.Client{Transport: &http.Transport{Proxy: func(*http.Request) (*url.URL, error) { return url.Parse(in.MetadataEndpoint) }}}
		resp, err := proxied.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("proxied request for %s: %d, want %d", host, resp.StatusCode, want)
		}
	}

	resp, err := http.Get(e.ts.URL + "/_emulator/ecs/instances")
	must(t, err)
	var list struct{ Instances []ECSInstance }
	must(t, json.NewDecoder(resp.Body).Decode(&list))
	resp.Body.Close()
	if len(list.Instances) != 1 || list.Instances[0].RoleName != "app-role" {
		t.Fatalf("list: %+v", list)
	}
	req, _ := http.NewRequest(http.MethodDelete, e.ts.URL+"/_emulator/ecs/instances/i-app0000001", nil)
	resp, err = http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(e.srv.ECSInstances()) != 0 {
		t.Fatalf("delete: %d, left %v", resp.StatusCode, e.srv.ECSInstances())
	}
	if _, err := http.Get(in.MetadataEndpoint + "/latest/meta-data/instance-id"); err == nil {
		t.Fatal("the metadata service of a removed instance still answers")
	}
}
