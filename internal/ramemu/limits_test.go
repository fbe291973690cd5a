package ramemu

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
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
	for i, p := range s.sysList {
		want, code := 200, ""
		if i >= maxSystemAttached {
			want, code = 409, "LimitExceeded.Role.Policy"
		}
		wantCall(t, s, "AttachPolicyToRole", map[string]string{"RoleName": "r0", "PolicyType": "System", "PolicyName": p.Name}, want, code)
		if i >= maxSystemAttached {
			wantCall(t, s, "AttachPolicyToUser", map[string]string{"UserName": "u0", "PolicyType": "System", "PolicyName": p.Name}, 409, "LimitExceeded.User.Policy")
			break
		}
		wantCall(t, s, "AttachPolicyToUser", map[string]string{"UserName": "u0", "PolicyType": "System", "PolicyName": p.Name}, 200, "")
	}
	// Custom attachments are counted separately from system ones.
	wantCall(t, s, "AttachPolicyToRole", map[string]string{"RoleName": "r0", "PolicyType": "Custom", "PolicyName": "p0"}, 200, "")
	// Version document length on CreatePolicyVersion too.
	long := `{"Statement":[{"Action":"ecs:` + fmt.Sprintf("%06144d", 0) + `","Effect":"Allow","Resource":"*"}],"Version":"1"}`
	wantCall(t, s, "CreatePolicyVersion", map[string]string{"PolicyName": "p1", "PolicyDocument": long}, 400, "InvalidParameter.PolicyDocument.Length")
}
