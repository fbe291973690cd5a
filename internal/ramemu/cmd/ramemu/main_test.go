package main

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"

	"bufio"
	"context"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	credsgo "github.com/aliyun/credentials-go/credentials"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// start runs the built binary and returns its listen address once it prints the banner.
func start(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("ramemu exited before listening")
			}
			if addr, found := strings.CutPrefix(l, "ramemu listening on http://"); found {
				return cmd, addr
			}
		case <-deadline:
			t.Fatal("ramemu did not start")
		}
	}
}

// client is a RAM client of the demo account A at addr.
func client(t *testing.T, addr string) *ram.Client {
	return ramClient(t, "HTTP", addr, "LTAI5tDemoEnterpriseA0001", "DemoSecretEnterpriseA000000000001")
}

func ramClient(t *testing.T, scheme, addr, ak, secret string) *ram.Client {
	t.Helper()
	c, err := ram.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme(scheme), credentials.NewAccessKeyCredential(ak, secret))
	must(t, err)
	c.Domain = addr
	return c
}

func stsClient(t *testing.T, scheme, addr string, cred auth.Credential) *sts.Client {
	t.Helper()
	c, err := sts.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme(scheme), cred)
	must(t, err)
	c.Domain = addr
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// trustB trusts the demo account B.
const trustB = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"}}],"Version":"1"}`

func createRole(t *testing.T, c *ram.Client, name, doc string) {
	t.Helper()
	q := ram.CreateCreateRoleRequest()
	q.RoleName, q.AssumeRolePolicyDocument = name, doc
	_, err := c.CreateRole(q)
	must(t, err)
}

// userKey creates the RAM user name with the system policies attached, and an AccessKey for it.
func userKey(t *testing.T, c *ram.Client, name string, systemPolicies ...string) ram.AccessKey {
	t.Helper()
	cu := ram.CreateCreateUserRequest()
	cu.UserName = name
	_, err := c.CreateUser(cu)
	must(t, err)
	for _, p := range systemPolicies {
		at := ram.CreateAttachPolicyToUserRequest()
		at.UserName, at.PolicyType, at.PolicyName = name, "System", p
		_, err := c.AttachPolicyToUser(at)
		must(t, err)
	}
	ck := ram.CreateCreateAccessKeyRequest()
	ck.UserName = name
	key, err := c.CreateAccessKey(ck)
	must(t, err)
	return key.AccessKey
}

// build compiles the command into a temporary directory and returns the binary's path.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ramemu")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestKillAndRestart: a SIGKILLed emulator loses nothing it acknowledged.
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := build(t)
	state := filepath.Join(dir, "state.json")
	cmd, addr := start(t, bin, "--listen", "127.0.0.1:0", "--state", state)
	c := client(t, addr)
	for i := 0; i < 20; i++ {
		createRole(t, c, "killed-"+string(rune('a'+i)), trustB)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	cmd2, addr2 := start(t, bin, "--listen", "127.0.0.1:0", "--state", state)
	c2 := client(t, addr2)
	r, err := c2.ListRoles(ram.CreateListRolesRequest())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles.Role) != 20 || r.Roles.Role[19].RoleName != "killed-t" {
		t.Fatalf("after restart: %d roles", len(r.Roles.Role))
	}
	// SIGTERM shuts down gracefully.
	if err := cmd2.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd2.Wait(); err != nil {
		t.Fatalf("graceful exit: %v", err)
	}
}

func TestAccountsFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "accounts.json")
	if err := os.WriteFile(f, []byte(`{"accounts":[{"id":"1234567890123456","alias":"x-corp","access_key_id":"LTAI5tX","access_key_secret":"s"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	accts, err := readAccounts(f)
	if err != nil || len(accts) != 1 || accts[0].ID != "1234567890123456" || accts[0].AccessKeySecret != "s" {
		t.Fatalf("%v %+v", err, accts)
	}
	if err := os.WriteFile(f, []byte(`{"accounts":[{"idd":"1"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readAccounts(f); err == nil {
		t.Fatal("unknown field accepted")
	}
	var sb strings.Builder
	if err := run([]string{"--fault-rate", "2"}, &sb, &sb); err == nil {
		t.Fatal("bad fault rate accepted")
	}
	if err := run([]string{"--drop-response-rate", "1.5"}, &sb, &sb); err == nil || !strings.Contains(err.Error(), "drop response rate") {
		t.Fatalf("bad drop response rate: %v", err)
	}
}

// TestHTTPSOnlyClientTrustsCertFile: credentials-go's RAM-role-ARN provider hard-codes https and sends its
// business parameters in a form body; trusting the emulator's PEM via SSL_CERT_FILE is enough.
func TestHTTPSOnlyClientTrustsCertFile(t *testing.T) {
	certFile, keyFile, err := ramemu.GenerateSelfSignedCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Must run before anything in this process loads the system roots (they are cached).
	t.Setenv("SSL_CERT_FILE", certFile)
	srv, err := ramemu.New(ramemu.Options{Secure: true})
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	ts.StartTLS()
	defer ts.Close()
	host := strings.TrimPrefix(ts.URL, "https://")

	a := ramClient(t, "HTTPS", host, "LTAI5tDemoEnterpriseA0001", "DemoSecretEnterpriseA000000000001")
	b := ramClient(t, "HTTPS", host, "LTAI5tDemoEnterpriseB0002", "DemoSecretEnterpriseB000000000002")
	createRole(t, a, "Delegated", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"StringEquals":{"sts:ExternalId":"ext-99"},"Bool":{"acs:SecureTransport":"true"}}}],"Version":"1"}`)
	key := userKey(t, b, "op", "AliyunSTSAssumeRoleAccess")

	cfg := new(credsgo.Config).SetType("ram_role_arn").
		SetAccessKeyId(key.AccessKeyId).SetAccessKeySecret(key.AccessKeySecret).
		SetRoleArn("acs:ram::1000000000000001:role/delegated").SetRoleSessionName("tf-run").
		SetExternalId("ext-99").SetSTSEndpoint(host)
	cred, err := credsgo.NewCredential(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cred.GetCredential()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(*got.AccessKeyId, "STS.") || *got.SecurityToken == "" {
		t.Fatalf("credentials %+v", got)
	}
	s := stsClient(t, "HTTPS", host, credentials.NewStsTokenCredential(*got.AccessKeyId, *got.AccessKeySecret, *got.SecurityToken))
	id, err := s.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	if err != nil {
		t.Fatal(err)
	}
	if id.Arn != "acs:ram::1000000000000001:assumed-role/delegated/tf-run" {
		t.Fatal(id.Arn)
	}
}

// TestFaultAndPropagationFlags: --drop-response-rate loses the answer of a write that was carried out, the
// admin API turns it off again, and --consistency-delay makes a brand-new key unknown to STS.
func TestFaultAndPropagationFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	_, addr := start(t, build(t), "--listen", "127.0.0.1:0", "--drop-response-rate", "1", "--seed", "3", "--consistency-delay", "1m")
	c := client(t, addr)
	cr := ram.CreateCreateRoleRequest()
	cr.RoleName, cr.AssumeRolePolicyDocument = "lost-answer", trustB
	_, err := c.CreateRole(cr)
	var se *sdkerrors.ServerError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("CreateRole under --drop-response-rate 1: want a lost answer, got %v", err)
	}
	resp, err := http.Post("http://"+addr+"/_emulator/faults", "application/json", strings.NewReader(`{"drop_response_rate":0}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The role exists for writes at once (reads would wait out the consistency delay).
	_, err = c.CreateRole(cr)
	if !errors.As(err, &se) || se.ErrorCode() != "EntityAlreadyExists.Role" {
		t.Fatalf("second CreateRole: %v", err)
	}
	resp, err = http.Get("http://" + addr + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st ramemu.Stats
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil || st.Dropped["Ram.CreateRole"] != 1 {
		t.Fatalf("stats %+v %v", st, err)
	}

	key := userKey(t, c, "fresh")
	s := stsClient(t, "HTTP", addr, credentials.NewAccessKeyCredential(key.AccessKeyId, key.AccessKeySecret))
	_, err = s.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	if !errors.As(err, &se) || se.ErrorCode() != "InvalidAccessKeyId.NotFound" {
		t.Fatalf("a brand-new key under --consistency-delay: %v", err)
	}
}

// TestSystemTagsFlag: with --system-tags a new role carries acs: tags in ListTagResources.
func TestSystemTagsFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	_, addr := start(t, build(t), "--listen", "127.0.0.1:0", "--system-tags")
	c := client(t, addr)
	createRole(t, c, "tagged", trustB)
	req := requests.NewCommonRequest()
	req.Method, req.Scheme, req.Domain = "POST", "HTTP", addr
	req.Version, req.ApiName, req.Product = "2015-05-01", "ListTagResources", "Ram"
	req.QueryParams["ResourceType"] = "role"
	req.QueryParams["ResourceNames"] = `["tagged"]`
	resp, err := c.ProcessCommonRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		TagResources []struct{ TagKey, TagValue string }
	}
	if err := json.Unmarshal(resp.GetHttpContentBytes(), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tr := range out.TagResources {
		got[tr.TagKey] = tr.TagValue
	}
	if got["acs:tag:createdby"] != "customer:1000000000000001" || !strings.HasPrefix(got["acs:rm:rgId"], "rg-") {
		t.Fatalf("tags %v", got)
	}
}
