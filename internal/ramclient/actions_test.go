package ramclient

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
)

func TestPagination(t *testing.T) {
	f := newFake(t)
	f.on("ListUsers", func(q url.Values) (int, any) {
		if q.Get("MaxItems") != "1000" {
			return 400, apiErr("InvalidParameter.MaxItems", "want 1000")
		}
		switch q.Get("Marker") {
		case "":
			return 200, map[string]any{"RequestId": "R", "IsTruncated": true, "Marker": "m1",
				"Users": map[string]any{"User": []map[string]any{{"UserName": "u1"}, {"UserName": "u2"}}}}
		case "m1":
			return 200, map[string]any{"RequestId": "R", "IsTruncated": false,
				"Users": map[string]any{"User": []map[string]any{{"UserName": "u3"}}}}
		}
		return 400, apiErr("InvalidParameter.Marker", "bad marker")
	})
	c := newTestClient(t, f, nil)
	users, err := c.ListUsers(context.Background())
	if err != nil || len(users) != 3 || users[2].Name != "u3" {
		t.Fatalf("%v %v", users, err)
	}
}

func TestTags(t *testing.T) {
	f := newFake(t)
	f.on("ListTagResources", func(q url.Values) (int, any) {
		if q.Get("ResourceType") != "role" || q.Get("ResourceNames") != `["r1"]` {
			return 400, apiErr("InvalidParameter", "bad params "+q.Encode())
		}
		if q.Get("NextToken") == "" {
			return 200, map[string]any{"RequestId": "R", "NextToken": "t2", "TagResources": []map[string]any{
				{"ResourceName": "r1", "ResourceType": "role", "TagKey": "env", "TagValue": "prod"}}}
		}
		return 200, map[string]any{"RequestId": "R", "TagResources": []map[string]any{
			{"ResourceName": "r1", "ResourceType": "role", "TagKey": "team", "TagValue": "sec"}}}
	})
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	tags, err := c.ListTags(ctx, "role", "r1")
	if err != nil || !reflect.DeepEqual(tags, map[string]string{"env": "prod", "team": "sec"}) {
		t.Fatalf("%v %v", tags, err)
	}
	if err := c.TagResource(ctx, "policy", "p1", map[string]string{"b": "2", "a": "1"}); err != nil {
		t.Fatal(err)
	}
	q := f.last("TagResources")
	if q.Get("ResourceType") != "policy" || q.Get("ResourceNames") != `["p1"]` || q.Get("Tag") != `[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]` ||
		q.Get("Version") != "2015-05-01" || q.Get("Signature") == "" {
		t.Errorf("TagResources params: %v", q)
	}
	if err := c.UntagResource(ctx, "role", "r1", []string{"z", "y"}); err != nil {
		t.Fatal(err)
	}
	if q := f.last("UntagResources"); q.Get("TagKeys") != `["y","z"]` || q.Get("ResourceType") != "role" {
		t.Errorf("UntagResources params: %v", q)
	}
	// More than 20 tags are split into calls of at most 20.
	many := map[string]string{}
	for i := 0; i < 25; i++ {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	before := f.count("TagResources")
	if err := c.TagResource(ctx, "role", "r1", many); err != nil || f.count("TagResources")-before != 2 {
		t.Errorf("batching: %v, calls %d", err, f.count("TagResources")-before)
	}
	if err := c.TagResource(ctx, "user", "u", map[string]string{"a": "b"}); err == nil {
		t.Error("bad resource type accepted")
	}
	if c.CallCount()["Ram.TagResources"] != 3 {
		t.Errorf("counts %v", c.CallCount())
	}
}

func TestRequestShapes(t *testing.T) {
	f := newFake(t)
	f.on("GetPolicy", seq(resp(200, map[string]any{"RequestId": "R",
		"Policy":               map[string]any{"PolicyName": "p", "PolicyType": "Custom", "DefaultVersion": "v2", "AttachmentCount": 1},
		"DefaultPolicyVersion": map[string]any{"VersionId": "v2", "IsDefaultVersion": true, "PolicyDocument": `{"Version":"1","Statement":[]}`}})))
	f.on("CreatePolicyVersion", seq(resp(200, map[string]any{"RequestId": "R", "PolicyVersion": map[string]any{"VersionId": "v3", "IsDefaultVersion": true}})))
	f.on("ListPolicyVersions", seq(resp(200, map[string]any{"RequestId": "R", "PolicyVersions": map[string]any{"PolicyVersion": []map[string]any{
		{"VersionId": "v1", "IsDefaultVersion": false, "PolicyDocument": "{}"}, {"VersionId": "v3", "IsDefaultVersion": true}}}})))
	f.on("UpdateRole", seq(resp(200, roleBody("r"))))
	f.on("UpdateUser", seq(resp(200, map[string]any{"RequestId": "R", "User": map[string]any{"UserName": "new", "UserId": "9"}})))
	f.on("ListEntitiesForPolicy", seq(resp(200, map[string]any{"RequestId": "R",
		"Users": map[string]any{"User": []map[string]any{{"UserName": "u"}}}, "Roles": map[string]any{"Role": []map[string]any{{"RoleName": "r"}}},
		"Groups": map[string]any{"Group": []map[string]any{}}})))
	f.on("GetAccountAlias", seq(resp(200, map[string]any{"RequestId": "R", "AccountAlias": "enterprise-a"})))
	c := newTestClient(t, f, nil)
	ctx := context.Background()

	p, err := c.GetPolicy(ctx, "p", "")
	if err != nil || p.Document != `{"Version":"1","Statement":[]}` || p.DefaultVersion != "v2" || p.AttachmentCount != 1 {
		t.Fatalf("%+v %v", p, err)
	}
	if f.last("GetPolicy").Get("PolicyType") != "Custom" {
		t.Error("PolicyType should default to Custom")
	}
	v, err := c.CreatePolicyVersion(ctx, "p", `{"x":1}`, true, true)
	if err != nil || v.ID != "v3" || v.Document != `{"x":1}` {
		t.Fatalf("%+v %v", v, err)
	}
	if q := f.last("CreatePolicyVersion"); q.Get("SetAsDefault") != "true" || q.Get("RotateStrategy") != "DeleteOldestNonDefaultVersionWhenLimitExceeded" {
		t.Errorf("CreatePolicyVersion params %v", q)
	}
	vs, err := c.ListPolicyVersions(ctx, "p", "Custom")
	if err != nil || len(vs) != 2 || !vs[1].IsDefault {
		t.Fatalf("%v %v", vs, err)
	}
	ms := int64(7200)
	if _, err := c.UpdateRole(ctx, UpdateRoleInput{Name: "r", MaxSessionDuration: &ms}); err != nil {
		t.Fatal(err)
	}
	q := f.last("UpdateRole")
	if q.Get("NewMaxSessionDuration") != "7200" || q.Has("NewDescription") || q.Has("NewAssumeRolePolicyDocument") {
		t.Errorf("UpdateRole params %v", q)
	}
	u, err := c.UpdateUser(ctx, UpdateUserInput{Name: "old", NewName: sp("new")})
	if err != nil || u.Name != "new" || f.last("UpdateUser").Get("NewUserName") != "new" || f.last("UpdateUser").Has("NewEmail") {
		t.Fatalf("%+v %v %v", u, err, f.last("UpdateUser"))
	}
	ents, err := c.ListEntitiesForPolicy(ctx, "p", "Custom")
	if err != nil || len(ents.Users) != 1 || ents.Roles[0] != "r" || len(ents.Groups) != 0 {
		t.Fatalf("%+v %v", ents, err)
	}
	alias, err := c.AccountAlias(ctx)
	if err != nil || alias != "enterprise-a" {
		t.Fatalf("%q %v", alias, err)
	}
	// The alias is an account fact every user's logon name needs: read once per client.
	if alias, err := c.AccountAlias(ctx); err != nil || alias != "enterprise-a" || f.count("GetAccountAlias") != 1 {
		t.Errorf("second AccountAlias: %q %v, %d GetAccountAlias calls", alias, err, f.count("GetAccountAlias"))
	}
	// Every request is signed, carries JSON format, the right version, region and no empty business params.
	q = f.last("GetAccountAlias")
	for _, k := range []string{"Signature", "SignatureNonce", "Timestamp", "AccessKeyId"} {
		if q.Get(k) == "" {
			t.Errorf("missing %s", k)
		}
	}
	if q.Get("Format") != "JSON" || q.Get("Version") != "2015-05-01" || q.Get("RegionId") != "cn-hangzhou" || q.Get("AccessKeyId") != testAK {
		t.Errorf("common params: %v", q)
	}
}

func TestRateLimiter(t *testing.T) {
	f := newFake(t)
	c := newTestClient(t, f, func(c *Config) { c.QPS = 20; c.Burst = 1 })
	start := time.Now()
	for i := 0; i < 5; i++ {
		if _, err := c.ListUsers(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 180*time.Millisecond {
		t.Errorf("5 calls at 20 qps burst 1 took only %v", el)
	}
	// A deadline shorter than the next slot returns at once instead of waiting.
	c2 := newTestClient(t, f, func(c *Config) { c.QPS = 0.5; c.Burst = 1; c.MaxRetries = 0 })
	_, _ = c2.ListUsers(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := c2.ListUsers(ctx)
	if err == nil || time.Since(start) > 150*time.Millisecond {
		t.Errorf("limiter wait: %v after %v", err, time.Since(start))
	}
}

// A credential whose values change between calls: the client must ask for credentials on every request.
type rotatingCred struct {
	n atomic.Int64
}

func (r *rotatingCred) cur() (string, string) {
	i := r.n.Add(1)
	return "AK" + strconv.FormatInt(i, 10), "SECRET" + strconv.FormatInt(i, 10)
}
func (r *rotatingCred) GetAccessKeyId() (*string, error)     { a, _ := r.cur(); return &a, nil }
func (r *rotatingCred) GetAccessKeySecret() (*string, error) { _, s := r.cur(); return &s, nil }
func (r *rotatingCred) GetSecurityToken() (*string, error)   { return sp(""), nil }
func (r *rotatingCred) GetBearerToken() *string              { return sp("") }
func (r *rotatingCred) GetType() *string                     { return sp("test") }
func (r *rotatingCred) GetCredential() (*credentials.CredentialModel, error) {
	a, s := r.cur()
	return &credentials.CredentialModel{AccessKeyId: &a, AccessKeySecret: &s, Type: sp("test")}, nil
}

type failingCred struct{ rotatingCred }

func (*failingCred) GetCredential() (*credentials.CredentialModel, error) {
	return nil, errors.New("refreshing STS credentials failed: network unreachable")
}

func TestCredentialsPerRequest(t *testing.T) {
	f := newFake(t)
	rc := &rotatingCred{}
	c := newTestClient(t, f, func(c *Config) { c.Credentials = rc })
	if rc.n.Load() != 0 {
		t.Fatal("New fetched credentials")
	}
	ctx := context.Background()
	_, _ = c.ListUsers(ctx)
	a1 := f.last("ListUsers").Get("AccessKeyId")
	_, _ = c.ListUsers(ctx)
	a2 := f.last("ListUsers").Get("AccessKeyId")
	if a1 == a2 || !strings.HasPrefix(a1, "AK") {
		t.Errorf("credentials not re-read per request: %s %s", a1, a2)
	}

	c2 := newTestClient(t, f, func(c *Config) { c.Credentials = &failingCred{} })
	before := f.count("")
	_, err := c2.ListUsers(ctx)
	if !IsAuth(err) || !HasCode(err, "CredentialsError") || f.count("") != before {
		t.Errorf("credential failure: %v (class %v), calls %d", err, ClassOf(err), f.count("")-before)
	}
}

func TestUntrustedTLSNotRetried(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"RequestId":"R","AccountAlias":"x"}`))
	}))
	defer srv.Close()
	c, err := New(Config{Credentials: staticCred(t), RAMEndpoint: srv.URL, MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AccountAlias(context.Background())
	if err == nil || IsRetryable(err) || c.CallCount()["Ram.GetAccountAlias"] != 1 {
		t.Errorf("untrusted certificate: %v class %v calls %v", err, ClassOf(err), c.CallCount())
	}
	if err != nil && !strings.Contains(err.Error(), "certificate") {
		t.Errorf("error should mention the certificate: %v", err)
	}
}

// TestHTTPSTrustedViaSSLCertFile runs in a child process because Go loads the system pool once.
func TestHTTPSTrustedViaSSLCertFile(t *testing.T) {
	if os.Getenv("RAMCLIENT_TLS_CHILD") != "" {
		u := os.Getenv("RAMCLIENT_TLS_URL")
		c, err := New(Config{Credentials: staticCred(t), RAMEndpoint: u, STSEndpoint: u})
		if err != nil {
			t.Fatal(err)
		}
		alias, err := c.AccountAlias(context.Background())
		if err != nil || alias != "tls-ok" {
			t.Fatalf("%q %v", alias, err)
		}
		id, err := c.CallerIdentity(context.Background())
		if err != nil || id.AccountID != "1000000000000001" {
			t.Fatalf("%+v %v", id, err)
		}
		return
	}
	var schemes atomic.Value
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		schemes.Store(r.TLS != nil)
		_ = r.ParseForm()
		if r.Form.Get("Action") == "GetCallerIdentity" {
			_ = json.NewEncoder(w).Encode(map[string]any{"RequestId": "R", "AccountId": "1000000000000001"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"RequestId": "R", "AccountAlias": "tls-ok"})
	}))
	defer srv.Close()
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(certFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHTTPSTrustedViaSSLCertFile$", "-test.count=1")
	cmd.Env = append(os.Environ(), "RAMCLIENT_TLS_CHILD=1", "RAMCLIENT_TLS_URL="+srv.URL, "SSL_CERT_FILE="+certFile, "SSL_CERT_DIR=/nonexistent")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if v, _ := schemes.Load().(bool); !v {
		t.Error("request did not use TLS")
	}
	_ = tls.VersionTLS12
}
