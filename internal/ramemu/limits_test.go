package ramemu

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"
)

// call runs one signed request in-process and returns status and body.
func call(s *Server, acct Account, action string, params map[string]string) (int, map[string]any) {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, signedRequest(acct, action, params))
	var m map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &m)
	return w.Code, m
}

func wantCall(t *testing.T, s *Server, action string, params map[string]string, status int, code string) {
	t.Helper()
	st, m := call(s, acctA, action, params)
	if st != status || (code != "" && m["Code"] != code) {
		t.Fatalf("%s %v: want %d %s, got %d %v", action, params, status, code, st, m)
	}
}

// wantSystemAttachLimit attaches the catalog's system policies one by one to the principal name of kind ("Role",
// "User" or "Group"): the first maxSystemAttached are attached, the next is LimitExceeded.<kind>.Policy.
func wantSystemAttachLimit(t *testing.T, s *Server, kind, name string) {
	t.Helper()
	for i, p := range s.sysList[:maxSystemAttached+1] {
		want, code := 200, ""
		if i == maxSystemAttached {
			want, code = 409, "LimitExceeded."+kind+".Policy"
		}
		wantCall(t, s, "AttachPolicyTo"+kind, map[string]string{kind + "Name": name, "PolicyType": "System", "PolicyName": p.Name}, want, code)
	}
}

func TestCountLimits(t *testing.T) {
	s, err := New(Options{})
	must(t, err)
	for i := 0; i < maxRoles; i++ {
		wantCall(t, s, "CreateRole", map[string]string{"RoleName": fmt.Sprintf("r%d", i), "AssumeRolePolicyDocument": trustB}, 200, "")
	}
	wantCall(t, s, "CreateRole", map[string]string{"RoleName": "one-more", "AssumeRolePolicyDocument": trustB}, 409, "LimitExceeded.Role")
	for i := 0; i < maxUsers; i++ {
		wantCall(t, s, "CreateUser", map[string]string{"UserName": fmt.Sprintf("u%d", i)}, 200, "")
	}
	wantCall(t, s, "CreateUser", map[string]string{"UserName": "one-more"}, 409, "LimitExceeded.User")
	for i := 0; i < maxCustomPolicies; i++ {
		wantCall(t, s, "CreatePolicy", map[string]string{"PolicyName": fmt.Sprintf("p%d", i), "PolicyDocument": permDoc("ecs:*")}, 200, "")
	}
	wantCall(t, s, "CreatePolicy", map[string]string{"PolicyName": "one-more", "PolicyDocument": permDoc("ecs:*")}, 409, "LimitExceeded.Policy")

	// 20 system policies per principal.
	if len(s.sysList) <= maxSystemAttached {
		t.Fatalf("only %d system policies", len(s.sysList))
	}
	wantSystemAttachLimit(t, s, "Role", "r0")
	wantSystemAttachLimit(t, s, "User", "u0")
	// Custom attachments are counted separately from system ones.
	wantCall(t, s, "AttachPolicyToRole", map[string]string{"RoleName": "r0", "PolicyType": "Custom", "PolicyName": "p0"}, 200, "")
	// Version document length on CreatePolicyVersion too.
	long := `{"Statement":[{"Action":"ecs:` + fmt.Sprintf("%06144d", 0) + `","Effect":"Allow","Resource":"*"}],"Version":"1"}`
	wantCall(t, s, "CreatePolicyVersion", map[string]string{"PolicyName": "p1", "PolicyDocument": long}, 400, "InvalidParameter.PolicyDocument.Length")
}

func TestMoreValidationCodes(t *testing.T) {
	s, err := New(Options{})
	must(t, err)
	wantCall(t, s, "CreateUser", map[string]string{"UserName": "v"}, 200, "")
	wantCall(t, s, "UpdateUser", map[string]string{"UserName": "v", "NewMobilePhone": "phone"}, 400, "InvalidParameter.NewMobilePhone.Format")
	wantCall(t, s, "UpdateUser", map[string]string{"UserName": "v", "NewDisplayName": string(make([]rune, 129))}, 400, "InvalidParameter.NewDisplayName.Length")
	wantCall(t, s, "UpdateUser", map[string]string{"UserName": "v", "NewComments": fmt.Sprintf("%0129d", 0)}, 400, "InvalidParameter.NewComments.Length")
	wantCall(t, s, "UpdateRole", map[string]string{"RoleName": "x", "NewAssumeRolePolicyDocument": "{"}, 400, "MalformedPolicyDocument")
	wantCall(t, s, "UpdateRole", map[string]string{"RoleName": "x", "NewAssumeRolePolicyDocument": fmt.Sprintf("%02049d", 0)}, 400, "InvalidParameter.NewAssumeRolePolicyDocument.Length")
	wantCall(t, s, "UpdatePolicyDescription", map[string]string{"PolicyName": "x", "NewDescription": fmt.Sprintf("%01025d", 0)}, 400, "InvalidParameter.NewDescription.Length")
	wantCall(t, s, "CreateLoginProfile", map[string]string{"UserName": "v", "Password": "Good-Passw0rd", "MFABindRequired": "maybe"}, 400, "InvalidParameter.MFABindRequired")

	// STS parameter checks (the caller is a RAM user of A allowed to assume).
	wantCall(t, s, "AttachPolicyToUser", map[string]string{"UserName": "v", "PolicyType": "System", "PolicyName": "AliyunSTSAssumeRoleAccess"}, 200, "")
	_, m := call(s, acctA, "CreateAccessKey", map[string]string{"UserName": "v"})
	ak := m["AccessKey"].(map[string]any)
	user := Account{ID: acctA.ID, AccessKeyID: ak["AccessKeyId"].(string), AccessKeySecret: ak["AccessKeySecret"].(string)}
	sts := func(params map[string]string, status int, code string) {
		t.Helper()
		w := httptest.NewRecorder()
		p := rawParams(user.AccessKeyID, "2015-04-01", "AssumeRole", time.Now(), fmt.Sprintf("sts-%d", benchNonce.Add(1)), params)
		signParams("POST", user.AccessKeySecret, p)
		req := httptest.NewRequest("POST", "/?"+encode(p), nil)
		s.ServeHTTP(w, req)
		var body map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		if w.Code != status || body["Code"] != code {
			t.Fatalf("AssumeRole %v: want %d %s, got %d %v", params, status, code, w.Code, body)
		}
	}
	arn := "acs:ram::1000000000000001:role/r"
	big := `{"Statement":[{"Action":"ecs:` + fmt.Sprintf("%02100d", 0) + `","Effect":"Allow","Resource":"*"}],"Version":"1"}`
	sts(map[string]string{"RoleArn": arn, "RoleSessionName": "ok-name", "Policy": big}, 400, "InvalidParameter.PolicySize")
	sts(map[string]string{"RoleArn": arn, "RoleSessionName": "ok-name", "ExternalId": "bad id!"}, 400, "InvalidParameter.ExternalId")
	sts(map[string]string{"RoleArn": arn, "RoleSessionName": "ok-name", "DurationSeconds": "abc"}, 400, "InvalidParameter.DurationSeconds")
	sts(map[string]string{"RoleArn": arn}, 400, "MissingRoleSessionName")
}

func TestPersistFailureIsInternalError(t *testing.T) {
	s, err := New(Options{StatePath: filepath.Join(t.TempDir(), "missing-dir", "state.json")})
	must(t, err)
	wantCall(t, s, "CreateUser", map[string]string{"UserName": "v"}, 500, "InternalError")
	// Reads still work.
	wantCall(t, s, "GetAccountAlias", nil, 200, "")
}
