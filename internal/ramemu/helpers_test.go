package ramemu

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

var (
	acctA = DefaultAccounts()[0]
	acctB = DefaultAccounts()[1]
)

type testEnv struct {
	t   *testing.T
	srv *Server
	ts  *httptest.Server
}

func newEnv(t *testing.T, opts Options) *testEnv {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &testEnv{t: t, srv: s, ts: ts}
}

func (e *testEnv) host() string {
	u, _ := url.Parse(e.ts.URL)
	return u.Host
}

func sdkConfig() *sdk.Config {
	return sdk.NewConfig().WithScheme("HTTP").WithAutoRetry(false)
}

// sdkClientOf makes an SDK client (newClient: ram's or sts's NewClientWithOptions) that signs with cred and
// talks to the emulator: base gives its embedded sdk.Client, whose Domain is pointed at it.
func sdkClientOf[C any](e *testEnv, newClient func(string, *sdk.Config, auth.Credential) (*C, error), cred auth.Credential,
	base func(*C) *sdk.Client) *C {
	e.t.Helper()
	c, err := newClient("cn-hangzhou", sdkConfig(), cred)
	if err != nil {
		e.t.Fatal(err)
	}
	base(c).Domain = e.host()
	return c
}

func ramBase(c *ram.Client) *sdk.Client { return &c.Client }
func stsBase(c *sts.Client) *sdk.Client { return &c.Client }

func (e *testEnv) ram(ak, secret string) *ram.Client {
	return sdkClientOf(e, ram.NewClientWithOptions, credentials.NewAccessKeyCredential(ak, secret), ramBase)
}
func (e *testEnv) ramSTS(ak, secret, token string) *ram.Client {
	return sdkClientOf(e, ram.NewClientWithOptions, credentials.NewStsTokenCredential(ak, secret, token), ramBase)
}
func (e *testEnv) sts(ak, secret string) *sts.Client {
	return sdkClientOf(e, sts.NewClientWithOptions, credentials.NewAccessKeyCredential(ak, secret), stsBase)
}
func (e *testEnv) stsToken(ak, secret, token string) *sts.Client {
	return sdkClientOf(e, sts.NewClientWithOptions, credentials.NewStsTokenCredential(ak, secret, token), stsBase)
}
func (e *testEnv) rootA() *ram.Client { return e.ram(acctA.AccessKeyID, acctA.AccessKeySecret) }
func (e *testEnv) rootB() *ram.Client { return e.ram(acctB.AccessKeyID, acctB.AccessKeySecret) }

// wantErr asserts err is a ServerError with code and HTTP status.
func wantErr(t *testing.T, err error, code string, status int) *sdkerrors.ServerError {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s (%d), got success", code, status)
	}
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("want ServerError %s, got %T: %v", code, err, err)
	}
	if se.ErrorCode() != code || se.HttpStatus() != status {
		t.Fatalf("want %s (%d), got %s (%d): %s", code, status, se.ErrorCode(), se.HttpStatus(), se.Message())
	}
	if se.RequestId() == "" || se.HostId() == "" || !strings.Contains(se.Recommend(), code) && code != "SignatureDoesNotMatch" {
		t.Fatalf("incomplete error envelope: %+v", se)
	}
	return se
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const trustB = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`

func createRole(t *testing.T, c *ram.Client, name, doc string) *ram.CreateRoleResponse {
	t.Helper()
	req := ram.CreateCreateRoleRequest()
	req.RoleName = name
	req.AssumeRolePolicyDocument = doc
	resp, err := c.CreateRole(req)
	must(t, err)
	return resp
}

func createUser(t *testing.T, c *ram.Client, name string) {
	t.Helper()
	req := ram.CreateCreateUserRequest()
	req.UserName = name
	_, err := c.CreateUser(req)
	must(t, err)
}

func attachRole(t *testing.T, c *ram.Client, role, ptype, pname string) error {
	req := ram.CreateAttachPolicyToRoleRequest()
	req.RoleName, req.PolicyType, req.PolicyName = role, ptype, pname
	_, err := c.AttachPolicyToRole(req)
	return err
}

func attachUser(t *testing.T, c *ram.Client, u, ptype, pname string) error {
	req := ram.CreateAttachPolicyToUserRequest()
	req.UserName, req.PolicyType, req.PolicyName = u, ptype, pname
	_, err := c.AttachPolicyToUser(req)
	return err
}

func detachRole(c *ram.Client, role, ptype, pname string) error {
	req := ram.CreateDetachPolicyFromRoleRequest()
	req.RoleName, req.PolicyType, req.PolicyName = role, ptype, pname
	_, err := c.DetachPolicyFromRole(req)
	return err
}

func detachUser(c *ram.Client, u, ptype, pname string) error {
	req := ram.CreateDetachPolicyFromUserRequest()
	req.UserName, req.PolicyType, req.PolicyName = u, ptype, pname
	_, err := c.DetachPolicyFromUser(req)
	return err
}

func deleteLogin(c *ram.Client, u string) error {
	req := ram.CreateDeleteLoginProfileRequest()
	req.UserName = u
	_, err := c.DeleteLoginProfile(req)
	return err
}

func createKey(t *testing.T, c *ram.Client, u string) ram.AccessKey {
	t.Helper()
	req := ram.CreateCreateAccessKeyRequest()
	req.UserName = u
	resp, err := c.CreateAccessKey(req)
	must(t, err)
	return resp.AccessKey
}

func assume(c *sts.Client, arn, session, extID string) (*sts.AssumeRoleResponse, error) {
	req := sts.CreateAssumeRoleRequest()
	req.RoleArn, req.RoleSessionName, req.ExternalId = arn, session, extID
	return c.AssumeRole(req)
}

func getRole(c *ram.Client, name string) (*ram.GetRoleResponse, error) {
	req := ram.CreateGetRoleRequest()
	req.RoleName = name
	return c.GetRole(req)
}

var _ = http.StatusOK

func credentialsFor(a Account) *credentials.AccessKeyCredential {
	return credentials.NewAccessKeyCredential(a.AccessKeyID, a.AccessKeySecret)
}

// readPages reads a Marker-paginated list to its end and returns every name on it and the number of pages:
// page reads the page starting at marker. A truncated page must carry a marker and the last one none.
func readPages(t *testing.T, page func(marker string) (names []string, next string, truncated bool)) ([]string, int) {
	t.Helper()
	var all []string
	marker, pages := "", 0
	for {
		names, next, truncated := page(marker)
		pages++
		all = append(all, names...)
		switch {
		case !truncated && next != "":
			t.Fatal("marker on last page")
		case !truncated:
			return all, pages
		case next == "":
			t.Fatal("truncated without marker")
		}
		marker = next
	}
}
