package ramemu

import (
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

func TestUserLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	q := ram.CreateCreateUserRequest()
	q.UserName, q.DisplayName, q.Email, q.MobilePhone, q.Comments = "Alice.B_c-1", "Alice", "alice@example.com", "86-18600000000", "hi"
	cr, err := a.CreateUser(q)
	must(t, err)
	u := cr.User
	if u.UserName != "Alice.B_c-1" || u.DisplayName != "Alice" || u.Email != "alice@example.com" || u.MobilePhone != "86-18600000000" ||
		u.Comments != "hi" || len(u.UserId) < 15 || u.CreateDate == "" || u.UpdateDate != "" {
		t.Fatalf("create %+v", u)
	}
	q.UserName = "alice.b_c-1"
	_, err = a.CreateUser(q)
	wantErr(t, err, "EntityAlreadyExists.User", 409)
	for _, c := range []struct {
		kv   []string
		code string
	}{
		{[]string{"UserName", "bad@name"}, "InvalidParameter.UserName.InvalidChars"},
		{[]string{"UserName", strings.Repeat("u", 65)}, "InvalidParameter.UserName.Length"},
		{[]string{"UserName", "fresh", "DisplayName", strings.Repeat("d", 129)}, "InvalidParameter.DisplayName.Length"},
		{[]string{"UserName", "fresh", "Email", "not-an-email"}, "InvalidParameter.Email.Format"},
		{[]string{"UserName", "fresh", "MobilePhone", "12345"}, "InvalidParameter.MobilePhone.Format"},
		{[]string{"UserName", "fresh", "Comments", strings.Repeat("c", 129)}, "InvalidParameter.Comments.Length"},
	} {
		wantErr(t, do(a, "CreateUser", c.kv...), c.code, 400)
	}

	gq := ram.CreateGetUserRequest()
	gq.UserName = "ALICE.B_C-1"
	gr, err := a.GetUser(gq)
	must(t, err)
	if gr.User.UserName != "Alice.B_c-1" || gr.User.UpdateDate == "" {
		t.Fatalf("get %+v", gr.User)
	}

	// Rename keeps the id; collisions are refused.
	createUser(t, a, "bob")
	uq := ram.CreateUpdateUserRequest()
	uq.UserName, uq.NewUserName = "alice.b_c-1", "BOB"
	_, err = a.UpdateUser(uq)
	wantErr(t, err, "EntityAlreadyExists.User", 409)
	uq = ram.CreateUpdateUserRequest()
	uq.UserName, uq.NewUserName, uq.NewComments = "alice.b_c-1", "Alice2", "renamed"
	ur, err := a.UpdateUser(uq)
	must(t, err)
	if ur.User.UserName != "Alice2" || ur.User.UserId != u.UserId || ur.User.Comments != "renamed" || ur.User.DisplayName != "Alice" {
		t.Fatalf("update %+v", ur.User)
	}
	uq = ram.CreateUpdateUserRequest()
	uq.UserName, uq.NewEmail = "Alice2", "bad"
	_, err = a.UpdateUser(uq)
	wantErr(t, err, "InvalidParameter.NewEmail.Format", 400)
	uq = ram.CreateUpdateUserRequest()
	uq.UserName, uq.NewUserName = "Alice2", "no spaces"
	_, err = a.UpdateUser(uq)
	wantErr(t, err, "InvalidParameter.NewUserName.InvalidChars", 400)
	gq.UserName = "alice.b_c-1"
	_, err = a.GetUser(gq)
	wantErrMsg(t, err, "EntityNotExist.User", 404, "The user does not exist.")

	// Login profile.
	lq := ram.CreateCreateLoginProfileRequest()
	lq.UserName, lq.Password = "Alice2", "short"
	_, err = a.CreateLoginProfile(lq)
	wantErr(t, err, "InvalidParameter.Password.TooWeak", 400)
	lq.Password = "Str0ng-Passw0rd!"
	lq.PasswordResetRequired = requests.NewBoolean(true)
	lr, err := a.CreateLoginProfile(lq)
	must(t, err)
	if !lr.LoginProfile.PasswordResetRequired || lr.LoginProfile.MFABindRequired || lr.LoginProfile.UserName != "Alice2" {
		t.Fatalf("login %+v", lr.LoginProfile)
	}
	_, err = a.CreateLoginProfile(lq)
	wantErr(t, err, "EntityAlreadyExists.User.LoginProfile", 409)
	upq := ram.CreateUpdateLoginProfileRequest()
	upq.UserName, upq.MFABindRequired = "alice2", requests.NewBoolean(true)
	_, err = a.UpdateLoginProfile(upq)
	must(t, err)
	glq := ram.CreateGetLoginProfileRequest()
	glq.UserName = "Alice2"
	gl, err := a.GetLoginProfile(glq)
	must(t, err)
	if !gl.LoginProfile.MFABindRequired || !gl.LoginProfile.PasswordResetRequired {
		t.Fatalf("get login %+v", gl.LoginProfile)
	}
	glq.UserName = "bob"
	_, err = a.GetLoginProfile(glq)
	wantErrMsg(t, err, "EntityNotExist.User.LoginProfile", 404, "The user login profile does not exist.")

	// Access keys.
	k1 := createKey(t, a, "Alice2")
	k2 := createKey(t, a, "alice2")
	if !strings.HasPrefix(k1.AccessKeyId, "LTAI5t") || k1.Status != "Active" || k1.AccessKeyId == k2.AccessKeyId {
		t.Fatalf("keys %+v %+v", k1, k2)
	}
	wantErr(t, do(a, "CreateAccessKey", "UserName", "Alice2"), "LimitExceeded.User.AccessKey", 409)
	lkq := ram.CreateListAccessKeysRequest()
	lkq.UserName = "Alice2"
	lk, err := a.ListAccessKeys(lkq)
	must(t, err)
	if len(lk.AccessKeys.AccessKey) != 2 || lk.AccessKeys.AccessKey[0].AccessKeySecret != "" || lk.AccessKeys.AccessKey[0].AccessKeyId != k1.AccessKeyId {
		t.Fatalf("list keys %+v", lk.AccessKeys)
	}
	// The new key authenticates; once Inactive it is refused by the gateway.
	id, err := e.sts(k1.AccessKeyId, k1.AccessKeySecret).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	if id.IdentityType != "RAMUser" || id.Arn != "acs:ram::1000000000000001:user/Alice2" || id.UserId != u.UserId || id.PrincipalId != u.UserId {
		t.Fatalf("identity %+v", id)
	}
	ukq := ram.CreateUpdateAccessKeyRequest()
	ukq.UserName, ukq.UserAccessKeyId, ukq.Status = "Alice2", k1.AccessKeyId, "Inactive"
	_, err = a.UpdateAccessKey(ukq)
	must(t, err)
	_, err = e.sts(k1.AccessKeyId, k1.AccessKeySecret).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	wantErr(t, err, "InvalidAccessKeyId.Inactive", 400)
	ukq.Status = "Paused"
	_, err = a.UpdateAccessKey(ukq)
	wantErr(t, err, "InvalidParameter.Status", 400)
	ukq = ram.CreateUpdateAccessKeyRequest()
	ukq.UserName, ukq.UserAccessKeyId, ukq.Status = "bob", k1.AccessKeyId, "Active"
	_, err = a.UpdateAccessKey(ukq)
	wantErrMsg(t, err, "EntityNotExist.User.AccessKey", 404, "The user access key does not exist.")

	// Delete conflicts in the documented order: access key, login profile, policy.
	must(t, attachTo(a, "User", "Alice2", "System", "ReadOnlyAccess"))
	wantErr(t, deleteUser(a, "Alice2"), "DeleteConflict.User.AccessKey", 409)
	for _, k := range []string{k1.AccessKeyId, k2.AccessKeyId} {
		d := ram.CreateDeleteAccessKeyRequest()
		d.UserName, d.UserAccessKeyId = "Alice2", k
		_, err = a.DeleteAccessKey(d)
		must(t, err)
		_, err = a.DeleteAccessKey(d)
		wantErr(t, err, "EntityNotExist.User.AccessKey", 404)
	}
	_, err = e.sts(k2.AccessKeyId, k2.AccessKeySecret).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	wantErr(t, err, "InvalidAccessKeyId.NotFound", 404)
	wantErr(t, deleteUser(a, "Alice2"), "DeleteConflict.User.LoginProfile", 409)
	must(t, deleteLogin(a, "Alice2"))
	wantErr(t, deleteLogin(a, "Alice2"), "EntityNotExist.User.LoginProfile", 404)
	wantErr(t, deleteUser(a, "Alice2"), "DeleteConflict.User.Policy", 409)
	must(t, detachFrom(a, "User", "Alice2", "System", "ReadOnlyAccess"))
	must(t, deleteUser(a, "Alice2"))
	wantErr(t, deleteUser(a, "Alice2"), "EntityNotExist.User", 404)

	lu, err := a.ListUsers(ram.CreateListUsersRequest())
	must(t, err)
	if len(lu.Users.User) != 1 || lu.Users.User[0].UserName != "bob" {
		t.Fatalf("list users %+v", lu.Users)
	}
}

func TestCreateAccessKeyForSelf(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createUser(t, a, "self")
	must(t, attachTo(a, "User", "self", "System", "AliyunRAMFullAccess"))
	k := createKey(t, a, "self")
	self := e.ram(k.AccessKeyId, k.AccessKeySecret)
	r, err := self.CreateAccessKey(ram.CreateCreateAccessKeyRequest())
	must(t, err)
	if r.AccessKey.AccessKeyId == "" {
		t.Fatal("no key")
	}
	_, err = a.CreateAccessKey(ram.CreateCreateAccessKeyRequest())
	wantErr(t, err, "MissingUserName", 400)
}

func TestAccountAlias(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	r, err := a.GetAccountAlias(ram.CreateGetAccountAliasRequest())
	must(t, err)
	if r.AccountAlias != "enterprise-a" {
		t.Fatal(r.AccountAlias)
	}
	for alias, code := range map[string]string{
		"ab": "InvalidParameter.AccountAlias.Length", strings.Repeat("a", 33): "InvalidParameter.AccountAlias.Length",
		"Upper": "InvalidParameter.AccountAlias.Format", "-lead": "InvalidParameter.AccountAlias.Format",
		"dou--ble": "InvalidParameter.AccountAlias.Format", "trail-": "InvalidParameter.AccountAlias.Format",
	} {
		q := ram.CreateSetAccountAliasRequest()
		q.AccountAlias = alias
		_, err := a.SetAccountAlias(q)
		wantErr(t, err, code, 400)
	}
	q := ram.CreateSetAccountAliasRequest()
	q.AccountAlias = "enterprise-b"
	_, err = a.SetAccountAlias(q)
	wantErr(t, err, "EntityAlreadyExists.AccountAlias", 409)
	q.AccountAlias = "new-alias-1"
	_, err = a.SetAccountAlias(q)
	must(t, err)
	r, err = a.GetAccountAlias(ram.CreateGetAccountAliasRequest())
	must(t, err)
	if r.AccountAlias != "new-alias-1" {
		t.Fatal(r.AccountAlias)
	}
	// Without an alias the account id is returned.
	e2 := newEnv(t, Options{Accounts: []Account{{ID: "1000000000000009", AccessKeyID: "LTAI5tNoAlias00000000009", AccessKeySecret: "secret"}}})
	r, err = e2.ram("LTAI5tNoAlias00000000009", "secret").GetAccountAlias(ram.CreateGetAccountAliasRequest())
	must(t, err)
	if r.AccountAlias != "1000000000000009" {
		t.Fatal(r.AccountAlias)
	}
}

// commonRAM is commonAs for account A's root.
func commonRAM(t *testing.T, e *testEnv, action string, params map[string]string) (map[string]any, error) {
	t.Helper()
	return e.commonAs(e.rootA(), action, params)
}

func TestTags(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	// CreateRole with JSON-style Tag through CommonRequest.
	_, err := commonRAM(t, e, "CreateRole", map[string]string{"RoleName": "Tagged", "AssumeRolePolicyDocument": trustB, "Tag": `[{"Key":"env","Value":"prod"}]`})
	must(t, err)
	createRole(t, a, "Plain", trustB)
	createPolicy(t, a, "TP", permDoc("ecs:*"))

	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["tagged","Plain"]`, "Tag": `[{"Key":"team","Value":"kafka"}]`})
	must(t, err)
	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "policy", "ResourceNames": `["TP"]`, "Tag": `[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]`})
	must(t, err)
	m, err := commonRAM(t, e, "ListTagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["Tagged"]`})
	must(t, err)
	tr := m["TagResources"].([]any)
	if len(tr) != 2 || tr[0].(map[string]any)["TagKey"] != "env" || tr[1].(map[string]any)["TagValue"] != "kafka" ||
		tr[0].(map[string]any)["ResourceName"] != "Tagged" || tr[0].(map[string]any)["ResourceType"] != "role" {
		t.Fatalf("tags %v", m)
	}
	// Filter by tag across all roles; paging by NextToken.
	m, err = commonRAM(t, e, "ListTagResources", map[string]string{"ResourceType": "role", "Tag": `[{"Key":"team","Value":"kafka"}]`, "PageSize": "2"})
	must(t, err)
	if len(m["TagResources"].([]any)) != 2 || m["NextToken"] == nil {
		t.Fatalf("page1 %v", m)
	}
	m, err = commonRAM(t, e, "ListTagResources", map[string]string{"ResourceType": "role", "Tag": `[{"Key":"team","Value":"kafka"}]`, "PageSize": "2", "NextToken": m["NextToken"].(string)})
	must(t, err)
	if len(m["TagResources"].([]any)) != 1 || m["NextToken"] != nil {
		t.Fatalf("page2 %v", m)
	}
	_, err = commonRAM(t, e, "UntagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["Tagged"]`, "TagKeys": `["env"]`})
	must(t, err)
	_, err = commonRAM(t, e, "UntagResources", map[string]string{"ResourceType": "policy", "ResourceNames": `["TP"]`, "All": "true"})
	must(t, err)
	m, err = commonRAM(t, e, "ListTagResources", map[string]string{"ResourceType": "policy", "ResourceNames": `["TP"]`})
	must(t, err)
	if len(m["TagResources"].([]any)) != 0 {
		t.Fatalf("after untag %v", m)
	}
	// ListRoles shows tags.
	lr, err := commonRAM(t, e, "ListRoles", nil)
	must(t, err)
	first := lr["Roles"].(map[string]any)["Role"].([]any)[0].(map[string]any)
	if tags := first["Tags"].(map[string]any)["Tag"].([]any); len(tags) != 1 {
		t.Fatalf("role tags %v", first)
	}
	// Errors.
	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["Ghost"]`, "Tag": `[{"Key":"k","Value":"v"}]`})
	wantErr(t, err, "EntityNotExist.Role", 404)
	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "policy", "ResourceNames": `["Ghost"]`, "Tag": `[{"Key":"k","Value":"v"}]`})
	wantErr(t, err, "EntityNotExist.Policy", 404)
	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "user", "ResourceNames": `["x"]`, "Tag": `[{"Key":"k","Value":"v"}]`})
	wantErr(t, err, "InvalidParameter.ResourceType", 400)
	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["Plain"]`, "Tag": `[{"Key":"acs:x","Value":"v"}]`})
	wantErr(t, err, "InvalidParameter.TagKey.Reserved", 400)
	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["Plain"]`})
	wantErr(t, err, "MissingTag", 400)
	many := make([]string, 21)
	for i := range many {
		many[i] = `{"Key":"k` + strings.Repeat("x", i) + `","Value":"v"}`
	}
	_, err = commonRAM(t, e, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["Plain"]`, "Tag": "[" + strings.Join(many, ",") + "]"})
	wantErr(t, err, "InvalidParameter.Tag.Count", 400)
}
