package ramemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// rawParams returns signed common params for a hand-crafted request.
func rawParams(ak, version, action string, ts time.Time, nonce string, extra map[string]string) map[string]string {
	p := map[string]string{
		"AccessKeyId": ak, "Action": action, "Version": version, "Format": "JSON",
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureType": "",
		"SignatureNonce": nonce, "Timestamp": ts.UTC().Format(dateLayout), "RegionId": "cn-hangzhou",
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

func signParams(method, secret string, p map[string]string) {
	p["Signature"] = sign(secret, stringToSign(method, p))
}

func encode(p map[string]string) string {
	v := url.Values{}
	for k, x := range p {
		v.Set(k, x)
	}
	return v.Encode()
}

type rawResp struct {
	Status int
	Body   map[string]any
}

// sendRaw sends query params in the URL and form params in the body.
func (e *testEnv) sendRaw(method string, query, form map[string]string) rawResp {
	e.t.Helper()
	u := e.ts.URL + "/"
	if len(query) > 0 {
		u += "?" + encode(query)
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(encode(form))
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	status, b := httpDo(e.t, req)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		e.t.Fatalf("non-JSON body %q", b)
	}
	if status >= 300 {
		for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
			if _, ok := m[k].(string); !ok {
				e.t.Fatalf("error body field %s not a string: %s", k, b)
			}
		}
	}
	return rawResp{status, m}
}

func wantRaw(t *testing.T, r rawResp, status int, code string) {
	t.Helper()
	if r.Status != status || (code != "" && r.Body["Code"] != code) {
		t.Fatalf("want %d %s, got %d %v", status, code, r.Status, r.Body)
	}
}

func TestSignatureErrors(t *testing.T) {
	e := newEnv(t, Options{})

	// Wrong secret: the SDK's wrapper recognises the server's string-to-sign and blames the secret.
	_, err := getRole(e.ram(acctA.AccessKeyID, "wrong-secret"), "x")
	se := wantErr(t, err, "SignatureDoesNotMatch", http.StatusBadRequest)
	if se.Recommend() != "InvalidAccessKeySecret: Please check you AccessKeySecret" {
		t.Fatalf("recommend %q", se.Recommend())
	}
	if !strings.HasPrefix(se.Message(), "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3D") {
		t.Fatalf("message %q", se.Message())
	}

	// Unknown key.
	_, err = getRole(e.ram("LTAI5tNoSuchKey000000000", "x"), "x")
	wantErr(t, err, "InvalidAccessKeyId.NotFound", http.StatusNotFound)

	now := time.Now()
	// Requests signed with A's key, each refused for one reason.
	for _, c := range []struct {
		why, version, action string
		ts                   time.Time
		nonce                string
		status               int
		code                 string
	}{
		{"expired timestamp", "2015-05-01", "GetAccountAlias", now.Add(-20 * time.Minute), "n-expired", 400, "InvalidTimeStamp.Expired"},
		{"future timestamp beyond the window", "2015-05-01", "GetAccountAlias", now.Add(20 * time.Minute), "n-future", 400, "InvalidTimeStamp.Expired"},
		{"no nonce", "2015-05-01", "GetAccountAlias", now, "", 400, "MissingSignatureNonce"},
		{"unknown version", "2099-01-01", "GetRole", now, "n-ver", 400, "InvalidVersion"},
		{"unknown action", "2015-05-01", "FlyToTheMoon", now, "n-act", 404, "InvalidAction.NotFound"},
		{"an STS action on the RAM version", "2015-05-01", "AssumeRole", now, "n-act2", 404, "InvalidAction.NotFound"},
	} {
		p := rawParams(acctA.AccessKeyID, c.version, c.action, c.ts, c.nonce, nil)
		signParams("POST", acctA.AccessKeySecret, p)
		t.Log(c.why)
		wantRaw(t, e.sendRaw("POST", p, nil), c.status, c.code)
	}
	// Malformed timestamp.
	p := rawParams(acctA.AccessKeyID, "2015-05-01", "GetAccountAlias", now, "n-badts", nil)
	p["Timestamp"] = "yesterday"
	signParams("POST", acctA.AccessKeySecret, p)
	wantRaw(t, e.sendRaw("POST", p, nil), 400, "InvalidTimeStamp.Format")

	// Replay: the same signed request twice.
	p = rawParams(acctA.AccessKeyID, "2015-05-01", "GetAccountAlias", now, "n-replay", nil)
	signParams("POST", acctA.AccessKeySecret, p)
	r := e.sendRaw("POST", p, nil)
	wantRaw(t, r, 200, "")
	if r.Body["AccountAlias"] != "enterprise-a" {
		t.Fatalf("alias %v", r.Body)
	}
	wantRaw(t, e.sendRaw("POST", p, nil), 400, "SignatureNonceUsed")
	// The same nonce under another key is a different request.
	p = rawParams(acctB.AccessKeyID, "2015-05-01", "GetAccountAlias", now, "n-replay", nil)
	signParams("POST", acctB.AccessKeySecret, p)
	wantRaw(t, e.sendRaw("POST", p, nil), 200, "")

	// Tampered parameter after signing.
	p = rawParams(acctA.AccessKeyID, "2015-05-01", "GetRole", now, "n-tamper", map[string]string{"RoleName": "a"})
	signParams("POST", acctA.AccessKeySecret, p)
	p["RoleName"] = "b"
	wantRaw(t, e.sendRaw("POST", p, nil), 400, "SignatureDoesNotMatch")

	// No signature.
	p = rawParams(acctA.AccessKeyID, "2015-05-01", "GetAccountAlias", now, "n-nosig", nil)
	wantRaw(t, e.sendRaw("POST", p, nil), 400, "IncompleteSignature")
}

func TestFormBodyAndGET(t *testing.T) {
	e := newEnv(t, Options{})
	now := time.Now()
	// Business params in the form body, common params in the query (like the SDK's RAM-role-ARN provider).
	query := rawParams(acctA.AccessKeyID, "2015-05-01", "CreateRole", now, "n-form", nil)
	delete(query, "SignatureType")
	delete(query, "RegionId")
	form := map[string]string{"RoleName": "FormRole", "AssumeRolePolicyDocument": trustB, "Description": "from a form body + * ~"}
	all := map[string]string{}
	for k, v := range query {
		all[k] = v
	}
	for k, v := range form {
		all[k] = v
	}
	query["Signature"] = sign(acctA.AccessKeySecret, stringToSign("POST", all))
	r := e.sendRaw("POST", query, form)
	wantRaw(t, r, 200, "")
	role := r.Body["Role"].(map[string]any)
	if role["Description"] != "from a form body + * ~" || role["RoleName"] != "FormRole" {
		t.Fatalf("role %v", role)
	}
	// Everything in the form body.
	all = rawParams(acctA.AccessKeyID, "2015-05-01", "GetRole", now, "n-form2", map[string]string{"RoleName": "formrole"})
	signParams("POST", acctA.AccessKeySecret, all)
	r = e.sendRaw("POST", nil, all)
	wantRaw(t, r, 200, "")
	// GET with everything in the query.
	all = rawParams(acctA.AccessKeyID, "2015-05-01", "GetRole", now, "n-get", map[string]string{"RoleName": "FormRole"})
	signParams("GET", acctA.AccessKeySecret, all)
	wantRaw(t, e.sendRaw("GET", all, nil), 200, "")
	// A GET signed as POST does not verify.
	all = rawParams(acctA.AccessKeyID, "2015-05-01", "GetRole", now, "n-get2", map[string]string{"RoleName": "FormRole"})
	signParams("POST", acctA.AccessKeySecret, all)
	wantRaw(t, e.sendRaw("GET", all, nil), 400, "SignatureDoesNotMatch")
}

func TestSTSCredentialChecks(t *testing.T) {
	e := newEnv(t, Options{})
	a, b := e.rootA(), e.rootB()
	createRole(t, a, "R", trustB)
	createUser(t, b, "u")
	must(t, attachTo(b, "User", "u", "System", "AliyunSTSAssumeRoleAccess"))
	k := createKey(t, b, "u")
	resp, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), "acs:ram::1000000000000001:role/r", "sess", "")
	must(t, err)
	cr := resp.Credentials
	// Without the token.
	_, err = e.sts(cr.AccessKeyId, cr.AccessKeySecret).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	wantErr(t, err, "MissingSecurityToken", 400)
	// Wrong token.
	_, err = e.stsToken(cr.AccessKeyId, cr.AccessKeySecret, "CAISbogus").GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	wantErr(t, err, "InvalidSecurityToken.MismatchWithAccessKey", 400)
	// Expiration layout is exactly what the SDK's credential provider parses.
	if _, err := time.Parse("2006-01-02T15:04:05Z", cr.Expiration); err != nil {
		t.Fatal(err)
	}
}

// TestSDKCommonRequest checks a CommonRequest with form params (another client shape).
func TestSDKCommonRequest(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.rootA()
	req := requests.NewCommonRequest()
	req.Method = "POST"
	req.Scheme = "HTTP"
	req.Domain = e.host()
	req.Version = "2015-05-01"
	req.ApiName = "CreateRole"
	req.Product = "Ram"
	req.FormParams["RoleName"] = "CommonRole"
	req.FormParams["AssumeRolePolicyDocument"] = trustB
	resp, err := c.ProcessCommonRequest(req)
	must(t, err)
	if !strings.Contains(resp.GetHttpContentString(), `"RoleName":"CommonRole"`) {
		t.Fatal(resp.GetHttpContentString())
	}
	_, err = getRole(c, "commonrole")
	must(t, err)
}

func TestErrorEnvelopeNeverPanicsSDK(t *testing.T) {
	e := newEnv(t, Options{})
	b := e.rootB()
	createUser(t, b, "limited")
	k := createKey(t, b, "limited")
	_, err := getRole(e.ram(k.AccessKeyId, k.AccessKeySecret), "nope-role")
	se := wantErr(t, err, "EntityNotExist.Role", 404)
	_ = se
	cq := ram.CreateCreateRoleRequest()
	cq.RoleName, cq.AssumeRolePolicyDocument = "x", trustB
	_, err = e.ram(k.AccessKeyId, k.AccessKeySecret).CreateRole(cq)
	se = wantErr(t, err, "NoPermission", 403)
	d := se.AccessDeniedDetail()
	if d["AuthAction"] != "ram:CreateRole" || d["NoPermissionType"] != "ImplicitDeny" || d["AuthPrincipalType"] != "SubUser" {
		t.Fatalf("detail %v", d)
	}
	var _ *sdkerrors.ServerError = se
}
