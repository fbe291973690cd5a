package ramemu

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
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
	return fetch(t, c, ram.CreateCreateRoleResponse(), "CreateRole", "RoleName", name, "AssumeRolePolicyDocument", doc)
}

func createUser(t *testing.T, c *ram.Client, name string) {
	t.Helper()
	fetch(t, c, ram.CreateCreateUserResponse(), "CreateUser", "UserName", name)
}

// rpc is the request the v1 SDK sends for RAM action, kv being its parameters as wire name, value pairs: a typed
// request (ram.CreateXRequest) is this RpcRequest with fields that are copied into QueryParams when they are not
// empty, so empty values are left out here as well.
func rpc(action string, kv ...string) *requests.RpcRequest {
	q := &requests.RpcRequest{}
	q.InitWithApiInfo("Ram", "2015-05-01", action, "Ram", "openAPI")
	q.Method = requests.POST
	if len(kv)%2 != 0 {
		panic("rpc " + action + ": parameters come in name, value pairs")
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.QueryParams[kv[i]] = kv[i+1]
		}
	}
	return q
}

// ackResponse is the typed SDK response of every action that answers its RequestId alone.
type ackResponse struct {
	*responses.BaseResponse
	RequestId string `json:"RequestId" xml:"RequestId"`
}

// do sends RAM action as its typed request and method would (a typed method is DoAction with the action's
// response): for a call that must fail, or that answers its RequestId alone.
func do(c *ram.Client, action string, kv ...string) error {
	return c.DoAction(rpc(action, kv...), &ackResponse{BaseResponse: &responses.BaseResponse{}})
}

// fetch sends RAM action, which must succeed, and returns its answer decoded into resp, the action's typed SDK
// response (ram.CreateXResponse()).
func fetch[R responses.AcsResponse](t *testing.T, c *ram.Client, resp R, action string, kv ...string) R {
	t.Helper()
	must(t, c.DoAction(rpc(action, kv...), resp))
	return resp
}

// lookup is a helper for an action with one name parameter: it answers like the action's typed method.
func lookup[R responses.AcsResponse](action, param string, newResp func() R) func(c *ram.Client, name string) (R, error) {
	return func(c *ram.Client, name string) (R, error) {
		resp := newResp()
		return resp, c.DoAction(rpc(action, param, name), resp)
	}
}

// fetcher is a helper for an action with one name parameter that must succeed: it returns pick of the answer.
func fetcher[R responses.AcsResponse, T any](action, param string, newResp func() R, pick func(R) T) func(t *testing.T, c *ram.Client, name string) T {
	return func(t *testing.T, c *ram.Client, name string) T {
		t.Helper()
		return pick(fetch(t, c, newResp(), action, param, name))
	}
}

// attachTo and detachFrom send the policy attachment actions of a principal of kind "Role", "User" or "Group", whose
// name parameter is <kind>Name.
func attachTo(c *ram.Client, kind, principal, ptype, pname string) error {
	return do(c, "AttachPolicyTo"+kind, kind+"Name", principal, "PolicyType", ptype, "PolicyName", pname)
}

func detachFrom(c *ram.Client, kind, principal, ptype, pname string) error {
	return do(c, "DetachPolicyFrom"+kind, kind+"Name", principal, "PolicyType", ptype, "PolicyName", pname)
}

func deleteLogin(c *ram.Client, user string) error {
	return do(c, "DeleteLoginProfile", "UserName", user)
}
func deleteUser(c *ram.Client, user string) error { return do(c, "DeleteUser", "UserName", user) }

var (
	getRole   = lookup("GetRole", "RoleName", ram.CreateGetRoleResponse)
	createKey = fetcher("CreateAccessKey", "UserName", ram.CreateCreateAccessKeyResponse,
		func(r *ram.CreateAccessKeyResponse) ram.AccessKey { return r.AccessKey })
)

func assume(c *sts.Client, arn, session, extID string) (*sts.AssumeRoleResponse, error) {
	req := sts.CreateAssumeRoleRequest()
	req.RoleArn, req.RoleSessionName, req.ExternalId = arn, session, extID
	return c.AssumeRole(req)
}

// httpDo sends req with the default client and returns the answer's status and whole body.
func httpDo(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// adminGet reads the admin API's path.
func (e *testEnv) adminGet(path string) (int, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	return httpDo(e.t, req)
}

// stateDump is GET /_emulator/state, as sent and decoded.
func (e *testEnv) stateDump() ([]byte, StateDump) {
	e.t.Helper()
	_, raw := e.adminGet("/_emulator/state")
	var d StateDump
	must(e.t, json.Unmarshal(raw, &d))
	return raw, d
}

func credentialsFor(a Account) *credentials.AccessKeyCredential {
	return credentials.NewAccessKeyCredential(a.AccessKeyID, a.AccessKeySecret)
}

// wantPages reads a Marker-paginated list to its end, page reading the page that starts at marker, and asserts
// that it took pages pages and named names (comma-separated). A truncated page must carry a marker and the last
// one none.
func wantPages(t *testing.T, pages int, names string, page func(marker string) (names []string, next string, truncated bool)) {
	t.Helper()
	var all []string
	marker, n := "", 0
	for {
		got, next, truncated := page(marker)
		n++
		all = append(all, got...)
		switch {
		case !truncated && next != "":
			t.Fatal("marker on last page")
		case !truncated:
			if n != pages || strings.Join(all, ",") != names {
				t.Fatalf("%d pages: %v", n, all)
			}
			return
		case next == "":
			t.Fatal("truncated without marker")
		}
		marker = next
	}
}

// namesOf is the name of each of items.
func namesOf[T any](items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

// wantErrMsg is wantErr that also asserts the error's message.
func wantErrMsg(t *testing.T, err error, code string, status int, msg string) *sdkerrors.ServerError {
	t.Helper()
	se := wantErr(t, err, code, status)
	if se.Message() != msg {
		t.Fatalf("%s: message %q, want %q", code, se.Message(), msg)
	}
	return se
}
