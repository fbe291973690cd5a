package ramemu

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// serveCode sends a signed call and returns the HTTP status and the error code ("" on success).
func serveCode(t *testing.T, s *Server, acct Account, action string, params map[string]string) (int, string) {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, signedRequest(acct, action, params))
	var body struct{ Code string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: %v: %s", action, err, w.Body.String())
	}
	return w.Code, body.Code
}

// TestErrorPrecedence pins which error wins when a call breaks several rules at once: parameters in their
// order (400), then existence (404), then permission (403), then conflicts and limits (409). Every handler
// reads its checks in this order and the first failure is the answer (action.go).
func TestErrorPrecedence(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := func(action string, params map[string]string) {
		t.Helper()
		if status, code := serveCode(t, s, acctA, action, params); code != "" {
			t.Fatalf("setup %s: %d %s", action, status, code)
		}
	}
	root("CreateRole", map[string]string{"RoleName": "r1", "AssumeRolePolicyDocument": trustB})
	root("CreateUser", map[string]string{"UserName": "nobody"})
	w := httptest.NewRecorder()
	s.ServeHTTP(w, signedRequest(acctA, "CreateAccessKey", map[string]string{"UserName": "nobody"}))
	var key struct{ AccessKey accessKeyJSON }
	if err := json.Unmarshal(w.Body.Bytes(), &key); err != nil || key.AccessKey.AccessKeyId == "" {
		t.Fatalf("CreateAccessKey: %v %s", err, w.Body.String())
	}
	nobody := Account{ID: acctA.ID, AccessKeyID: key.AccessKey.AccessKeyId, AccessKeySecret: key.AccessKey.AccessKeySecret}
	badDoc := `{"Version":"1"}`

	for _, tc := range []struct {
		name   string
		caller Account
		action string
		params map[string]string
		status int
		code   string
	}{
		{"name before the other parameters", acctA, "UpdateRole",
			map[string]string{"RoleName": "bad/name", "NewAssumeRolePolicyDocument": badDoc}, 400, "InvalidParameter.RoleName.InvalidChars"},
		{"parameters before existence", acctA, "UpdateRole",
			map[string]string{"RoleName": "missing", "NewAssumeRolePolicyDocument": badDoc}, 400, "MalformedPolicyDocument"},
		{"existence before permission", nobody, "GetRole", map[string]string{"RoleName": "missing"}, 404, "EntityNotExist.Role"},
		{"permission on an existing role", nobody, "DeleteRole", map[string]string{"RoleName": "r1"}, 403, "NoPermission"},
		{"permission before a taken name", nobody, "CreateRole",
			map[string]string{"RoleName": "r1", "AssumeRolePolicyDocument": trustB}, 403, "NoPermission"},
		{"a taken name", acctA, "CreateRole", map[string]string{"RoleName": "R1", "AssumeRolePolicyDocument": trustB}, 409, "EntityAlreadyExists.Role"},
		{"a system policy's name is taken", acctA, "CreatePolicy",
			map[string]string{"PolicyName": "AdministratorAccess", "PolicyDocument": `{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"1"}`}, 409, "EntityAlreadyExists.Policy"},
		{"list parameters before permission", nobody, "ListRoles", map[string]string{"MaxItems": "0"}, 400, "InvalidParameter.MaxItems"},
		{"list permission", nobody, "ListUsers", nil, 403, "NoPermission"},
		{"attach: PolicyType first", acctA, "AttachPolicyToRole",
			map[string]string{"RoleName": "bad/name", "PolicyName": "bad name"}, 400, "MissingPolicyType"},
		{"attach: PolicyName before RoleName", acctA, "AttachPolicyToRole",
			map[string]string{"RoleName": "bad/name", "PolicyType": "System", "PolicyName": "bad name"}, 400, "InvalidParameter.PolicyName.InvalidChars"},
		{"attach: the principal before the policy", acctA, "AttachPolicyToRole",
			map[string]string{"RoleName": "missing", "PolicyType": "Custom", "PolicyName": "missing"}, 404, "EntityNotExist.Role"},
		{"attach: the policy before permission", nobody, "AttachPolicyToRole",
			map[string]string{"RoleName": "r1", "PolicyType": "Custom", "PolicyName": "missing"}, 404, "EntityNotExist.Policy"},
		{"detach of a policy not attached", acctA, "DetachPolicyFromUser",
			map[string]string{"UserName": "nobody", "PolicyType": "System", "PolicyName": "ReadOnlyAccess"}, 404, "EntityNotExist.User.Policy"},
		{"login profile: password before the user name", acctA, "UpdateLoginProfile",
			map[string]string{"UserName": "bad/name", "Password": "short"}, 400, "InvalidParameter.Password.TooWeak"},
		{"login profile: the user before its profile", acctA, "GetLoginProfile", map[string]string{"UserName": "missing"}, 404, "EntityNotExist.User"},
		{"login profile: the profile after permission", nobody, "GetLoginProfile", map[string]string{"UserName": "nobody"}, 403, "NoPermission"},
		{"login profile missing", acctA, "DeleteLoginProfile", map[string]string{"UserName": "nobody"}, 404, "EntityNotExist.User.LoginProfile"},
		{"access key: Status before the key id", acctA, "UpdateAccessKey", map[string]string{"Status": "Paused"}, 400, "InvalidParameter.Status"},
		{"access key: key id before the user", acctA, "DeleteAccessKey", map[string]string{"UserName": "missing"}, 400, "MissingUserAccessKeyId"},
		{"access key: the user before the key", acctA, "DeleteAccessKey",
			map[string]string{"UserName": "missing", "UserAccessKeyId": "LTAI5tNone"}, 404, "EntityNotExist.User"},
		{"access key: root names no user", acctA, "ListAccessKeys", nil, 400, "MissingUserName"},
		{"policy version: VersionId format before the policy", acctA, "GetPolicyVersion",
			map[string]string{"PolicyName": "missing", "PolicyType": "Custom", "VersionId": "1"}, 400, "InvalidParameter.VersionId.Format"},
		{"policy version: the policy before the version", acctA, "DeletePolicyVersion",
			map[string]string{"PolicyName": "missing", "VersionId": "v9"}, 404, "EntityNotExist.Policy"},
		{"policy version missing", acctA, "GetPolicyVersion",
			map[string]string{"PolicyName": "ReadOnlyAccess", "PolicyType": "System", "VersionId": "v9"}, 404, "EntityNotExist.Policy.Version"},
		{"tags: Tag before ResourceType", acctA, "TagResources", map[string]string{"ResourceType": "bucket"}, 400, "MissingTag"},
		{"tags: every name found before the next is authorized", nobody, "TagResources",
			map[string]string{"ResourceType": "role", "ResourceNames": `["missing"]`, "Tag": `[{"Key":"k","Value":"v"}]`}, 404, "EntityNotExist.Role"},
		{"tags: permission", nobody, "UntagResources",
			map[string]string{"ResourceType": "role", "ResourceNames": `["r1"]`, "All": "true"}, 403, "NoPermission"},
		{"alias: format before permission", nobody, "SetAccountAlias", map[string]string{"AccountAlias": "Upper"}, 400, "InvalidParameter.AccountAlias.Format"},
		{"delete conflict after permission", acctA, "DeleteUser", map[string]string{"UserName": "nobody"}, 409, "DeleteConflict.User.AccessKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code := serveCode(t, s, tc.caller, tc.action, tc.params)
			if status != tc.status || code != tc.code {
				t.Errorf("%s %v: got %d %s, want %d %s", tc.action, tc.params, status, code, tc.status, tc.code)
			}
		})
	}
}
