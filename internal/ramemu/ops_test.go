package ramemu

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

func TestThrottling(t *testing.T) {
	e := newEnv(t, Options{ThrottleQPS: 2})
	a := e.rootA()
	var throttled, ok int
	for i := 0; i < 10; i++ {
		_, err := a.GetAccountAlias(ram.CreateGetAccountAliasRequest())
		if err == nil {
			ok++
			continue
		}
		wantErrMsg(t, err, "Throttling.User", http.StatusBadRequest, "Request was denied due to user flow control.")
		throttled++
	}
	if ok < 2 || throttled < 5 {
		t.Fatalf("ok=%d throttled=%d", ok, throttled)
	}
	// Per account: B is unaffected by A's burst.
	_, err := e.rootB().GetAccountAlias(ram.CreateGetAccountAliasRequest())
	must(t, err)
	// The SDK does not retry a 400 even with AutoRetry on.
	c, _ := ram.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTP").WithAutoRetry(true).WithMaxRetryTime(3),
		credentials.NewAccessKeyCredential(acctA.AccessKeyID, acctA.AccessKeySecret))
	c.Domain = e.host()
	e.srv.ResetStats()
	for i := 0; i < 5; i++ {
		_, _ = c.GetAccountAlias(ram.CreateGetAccountAliasRequest())
	}
	if st := e.srv.Stats(); st.Calls["Ram.GetAccountAlias"] != 5 || st.Errors["Throttling.User"] == 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestFaultRate(t *testing.T) {
	e := newEnv(t, Options{FaultRate: 1})
	_, err := e.rootA().GetAccountAlias(ram.CreateGetAccountAliasRequest())
	wantErr(t, err, "ServiceUnavailable", http.StatusServiceUnavailable)
	// With AutoRetry the SDK retries 5xx: MaxRetryTime+1 attempts reach the emulator.
	c, _ := ram.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTP").WithAutoRetry(true).WithMaxRetryTime(3),
		credentials.NewAccessKeyCredential(acctA.AccessKeyID, acctA.AccessKeySecret))
	c.Domain = e.host()
	e.srv.ResetStats()
	_, err = c.GetAccountAlias(ram.CreateGetAccountAliasRequest())
	wantErr(t, err, "ServiceUnavailable", http.StatusServiceUnavailable)
	if st := e.srv.Stats(); st.Calls["Ram.GetAccountAlias"] != 4 || st.Errors["ServiceUnavailable"] != 4 {
		t.Fatalf("stats %+v", st)
	}

	// The same seed gives the same fault sequence.
	pattern := func(seed int64) string {
		e := newEnv(t, Options{FaultRate: 0.5, Seed: seed})
		a := e.rootA()
		var b strings.Builder
		for i := 0; i < 24; i++ {
			if _, err := a.GetAccountAlias(ram.CreateGetAccountAliasRequest()); err != nil {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	p1, p2 := pattern(42), pattern(42)
	if p1 != p2 || !strings.Contains(p1, "x") || !strings.Contains(p1, ".") {
		t.Fatalf("patterns %s %s", p1, p2)
	}
	// Admin endpoints are never faulted.
	resp, err := http.Get(e.ts.URL + "/_emulator/health")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
}

func TestConsistencyDelay(t *testing.T) {
	clk := NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{Clock: clk, ConsistencyDelay: 5 * time.Second})
	a := e.rootA()
	createRole(t, a, "lagging", trustB)
	// Reads do not see it yet, exactly like RAM right after a create...
	_, err := getRole(a, "lagging")
	wantErr(t, err, "EntityNotExist.Role", 404)
	lr, err := a.ListRoles(ram.CreateListRolesRequest())
	must(t, err)
	if len(lr.Roles.Role) != 0 {
		t.Fatal("listed too early")
	}
	// ...but writes do: a second create conflicts, and attach works.
	wantErr(t, do(a, "CreateRole", "RoleName", "lagging", "AssumeRolePolicyDocument", trustB), "EntityAlreadyExists.Role", 409)
	clk.Advance(5 * time.Second)
	_, err = getRole(a, "lagging")
	must(t, err)

	must(t, attachTo(a, "Role", "lagging", "System", "ReadOnlyAccess"))
	if len(policiesForRole(t, a, "lagging")) != 0 {
		t.Fatal("attachment visible too early")
	}
	clk.Advance(5 * time.Second)
	if len(policiesForRole(t, a, "lagging")) != 1 {
		t.Fatal("attachment not visible")
	}

	createUser(t, a, "late-user")
	wantErr(t, do(a, "GetUser", "UserName", "late-user"), "EntityNotExist.User", 404)
	createPolicy(t, a, "LatePolicy", permDoc("ecs:*"))
	wantErr(t, do(a, "GetPolicy", "PolicyName", "LatePolicy", "PolicyType", "Custom"), "EntityNotExist.Policy", 404)
	clk.Advance(5 * time.Second)
	fetch(t, a, ram.CreateGetUserResponse(), "GetUser", "UserName", "late-user")
	getPolicy(t, a, "Custom", "LatePolicy")
}

func TestLatencyAndLog(t *testing.T) {
	var buf syncBuffer
	e := newEnv(t, Options{Latency: 40 * time.Millisecond, Log: &buf})
	start := time.Now()
	createUser(t, e.rootA(), "logged")
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Fatalf("latency not applied: %v", d)
	}
	k := createKey(t, e.rootA(), "logged")
	_, _ = getRole(e.ram(k.AccessKeyId, "bad-secret"), "x")
	out := buf.String()
	if !strings.Contains(out, "account=1000000000000001 action=Ram.CreateUser status=200") ||
		!strings.Contains(out, "action=Ram.GetRole status=400 code=SignatureDoesNotMatch") {
		t.Fatalf("log:\n%s", out)
	}
	for _, secret := range []string{k.AccessKeySecret, acctA.AccessKeySecret, "bad-secret"} {
		if strings.Contains(out, secret) {
			t.Fatal("secret in log")
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestAdminEndpoints(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createRole(t, a, "dumped", trustB)
	must(t, attachTo(a, "Role", "dumped", "System", "AliyunKafkaFullAccess"))
	createUser(t, a, "dumpuser")
	k := createKey(t, a, "dumpuser")
	fetch(t, a, ram.CreateCreateLoginProfileResponse(), "CreateLoginProfile", "UserName", "dumpuser", "Password", "Sup3r-Secret-Pw")
	createPolicy(t, a, "DumpP", permDoc("ecs:*"))
	_, _ = getRole(a, "missing")

	get := func(path string) []byte {
		status, b := e.adminGet(path)
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, b)
		}
		return b
	}
	var st Stats
	must(t, json.Unmarshal(get("/_emulator/stats"), &st))
	if st.Calls["Ram.CreateRole"] != 1 || st.Calls["Ram.GetRole"] != 1 || st.Errors["EntityNotExist.Role"] != 1 || st.Total != 7 {
		t.Fatalf("stats %+v", st)
	}
	raw := get("/_emulator/state")
	for _, secret := range []string{k.AccessKeySecret, "Sup3r-Secret-Pw", acctA.AccessKeySecret} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatal("secret in state dump")
		}
	}
	var dump StateDump
	must(t, json.Unmarshal(raw, &dump))
	ad := dump.Accounts[0]
	if ad.ID != acctA.ID || len(ad.Roles) != 1 || ad.Roles[0].AssumeRolePolicyDocument != trustB || len(ad.Attachments) != 1 ||
		ad.Attachments[0] != (AttachmentDump{"Role", "dumped", "System", "AliyunKafkaFullAccess"}) || len(ad.Users) != 1 ||
		ad.Users[0].LoginProfile == nil || len(ad.Users[0].AccessKeys) != 1 || ad.Users[0].AccessKeys[0].Status != "Active" ||
		len(ad.Policies) != 1 || !ad.Policies[0].Versions[0].IsDefault {
		t.Fatalf("dump %+v", ad)
	}
	if len(dump.Accounts[1].Roles) != 0 || dump.Accounts[1].Users == nil {
		t.Fatalf("B dump %+v", dump.Accounts[1])
	}
	if !bytes.Contains(get("/_emulator/health"), []byte(`"ok"`)) {
		t.Fatal("health")
	}
	resp, err := http.Post(e.ts.URL+"/_emulator/stats/reset", "", nil)
	must(t, err)
	resp.Body.Close()
	if st := e.srv.Stats(); st.Total != 0 || len(st.Calls) != 0 {
		t.Fatalf("after reset %+v", st)
	}
	resp, err = http.Get(e.ts.URL + "/_emulator/nope")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatal(resp.StatusCode)
	}
}

func TestPersistenceAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path})
	a, b := e.rootA(), e.rootB()
	createRole(t, a, "durable", trustB)
	must(t, attachTo(a, "Role", "durable", "System", "AliyunKafkaFullAccess"))
	createPolicy(t, a, "DurableP", permDoc("ecs:*"))
	_, err := newVersion(a, "DurableP", permDoc("ecs:Describe*"), true, "")
	must(t, err)
	createUser(t, b, "op")
	must(t, attachTo(b, "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	k := createKey(t, b, "op")
	resp, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), "acs:ram::1000000000000001:role/durable", "before", "")
	must(t, err)
	must(t, do(a, "SetAccountAlias", "AccountAlias", "renamed-a"))
	before := e.srv.State()
	e.ts.Close()

	// "Restart": a new server from the same file (nothing is flushed on close; every write was durable).
	e2 := newEnv(t, Options{StatePath: path})
	after := e2.srv.State()
	bj, _ := json.Marshal(before)
	aj, _ := json.Marshal(after)
	if !bytes.Equal(bj, aj) {
		t.Fatalf("state changed across restart:\n%s\n%s", bj, aj)
	}
	// Keys, sessions and version counters survive.
	_, err = e2.sts(k.AccessKeyId, k.AccessKeySecret).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	c := resp.Credentials
	id, err := e2.stsToken(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	if id.Arn != "acs:ram::1000000000000001:assumed-role/durable/before" {
		t.Fatal(id.Arn)
	}
	v, err := newVersion(e2.rootA(), "DurableP", permDoc("ecs:List*"), false, "")
	must(t, err)
	if v.PolicyVersion.VersionId != "v3" {
		t.Fatal(v.PolicyVersion.VersionId)
	}
	cq := ram.CreateCreateRoleRequest()
	cq.RoleName, cq.AssumeRolePolicyDocument = "DURABLE", trustB
	_, err = e2.rootA().CreateRole(cq)
	wantErr(t, err, "EntityAlreadyExists.Role", 409)
	// No temp files left behind.
	files, _ := os.ReadDir(filepath.Dir(path))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	// A corrupt state file is an error, not silent data loss.
	must(t, os.WriteFile(path, []byte("{broken"), 0o600))
	if _, err := New(Options{StatePath: path}); err == nil {
		t.Fatal("corrupt state accepted")
	}
}

func TestHTTPS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, err := GenerateSelfSignedCert(dir)
	must(t, err)
	s, err := New(Options{Secure: true})
	must(t, err)
	ts := httptest.NewUnstartedServer(s)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	must(t, err)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	ts.StartTLS()
	defer ts.Close()

	pem, err := os.ReadFile(certFile)
	must(t, err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("bad pem")
	}
	// A client that verifies the certificate (no InsecureSkipVerify).
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	host := strings.TrimPrefix(ts.URL, "https://")
	mk := func(ak, secret string) *ram.Client {
		c, err := ram.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTPS").WithHttpTransport(tr),
			credentials.NewAccessKeyCredential(ak, secret))
		must(t, err)
		c.Domain = host
		return c
	}
	a := mk(acctA.AccessKeyID, acctA.AccessKeySecret)
	createRole(t, a, "tls-only", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"Bool":{"acs:SecureTransport":"true"}}}],"Version":"1"}`)
	b := mk(acctB.AccessKeyID, acctB.AccessKeySecret)
	createUser(t, b, "op")
	must(t, attachTo(b, "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	k := createKey(t, b, "op")
	sc, err := sts.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTPS").WithHttpTransport(tr),
		credentials.NewAccessKeyCredential(k.AccessKeyId, k.AccessKeySecret))
	must(t, err)
	sc.Domain = host
	_, err = assume(sc, "acs:ram::1000000000000001:role/tls-only", "secure", "")
	must(t, err)
	// The pair is reused on the next start, so clients keep trusting the same file.
	c2, _, err := GenerateSelfSignedCert(dir)
	must(t, err)
	pem2, _ := os.ReadFile(c2)
	if !bytes.Equal(pem, pem2) {
		t.Fatal("certificate regenerated")
	}
}

func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, Options{StatePath: filepath.Join(t.TempDir(), "s.json")})
	createUser(t, e.rootB(), "op")
	must(t, attachTo(e.rootB(), "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	k := createKey(t, e.rootB(), "op")
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a := e.rootA()
			name := fmt.Sprintf("c-%d", i)
			cq := ram.CreateCreateRoleRequest()
			cq.RoleName, cq.AssumeRolePolicyDocument = name, trustB
			if _, err := a.CreateRole(cq); err != nil {
				errs <- err
				return
			}
			if err := attachTo(a, "Role", name, "System", "ReadOnlyAccess"); err != nil {
				errs <- err
				return
			}
			for j := 0; j < 5; j++ {
				if _, err := getRole(a, name); err != nil {
					errs <- err
					return
				}
				if _, err := a.ListRoles(ram.CreateListRolesRequest()); err != nil {
					errs <- err
					return
				}
			}
			if _, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), "acs:ram::1000000000000001:role/"+name, "s-"+name, ""); err != nil {
				errs <- err
				return
			}
			if err := detachFrom(a, "Role", name, "System", "ReadOnlyAccess"); err != nil {
				errs <- err
				return
			}
			if i%2 == 0 {
				d := ram.CreateDeleteRoleRequest()
				d.RoleName = name
				if _, err := a.DeleteRole(d); err != nil {
					errs <- err
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := len(e.srv.State().Accounts[0].Roles); n != 25 {
		t.Fatalf("roles %d", n)
	}
	// The persisted file matches memory.
	s2, err := New(Options{StatePath: e.srv.persist.path})
	must(t, err)
	if n := len(s2.State().Accounts[0].Roles); n != 25 {
		t.Fatalf("persisted roles %d", n)
	}
}
