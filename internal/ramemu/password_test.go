package ramemu

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// createLogin answers a LoginProfile, which it decodes as the typed CreateLoginProfile does.
func createLogin(c *ram.Client, userName, pw string, resetRequired bool) error {
	q := rpc("CreateLoginProfile", "UserName", userName, "Password", pw, "PasswordResetRequired", string(requests.NewBoolean(resetRequired)))
	return c.DoAction(q, ram.CreateCreateLoginProfileResponse())
}

func updateLoginPassword(c *ram.Client, userName, pw string) error {
	return do(c, "UpdateLoginProfile", "UserName", userName, "Password", pw)
}

func changePassword(c *ram.Client, oldPw, newPw string) error {
	return do(c, "ChangePassword", "OldPassword", oldPw, "NewPassword", newPw)
}

var getLogin = fetcher("GetLoginProfile", "UserName", ram.CreateGetLoginProfileResponse,
	func(r *ram.GetLoginProfileResponse) ram.LoginProfile { return r.LoginProfile })

// strictPolicy sets every parameter of SetPasswordPolicy.
func strictPolicy() *ram.SetPasswordPolicyRequest {
	q := ram.CreateSetPasswordPolicyRequest()
	q.MinimumPasswordLength = requests.NewInteger(12)
	q.RequireLowercaseCharacters = requests.NewBoolean(true)
	q.RequireUppercaseCharacters = requests.NewBoolean(true)
	q.RequireNumbers = requests.NewBoolean(true)
	q.RequireSymbols = requests.NewBoolean(true)
	q.HardExpiry = requests.NewBoolean(true)
	q.MaxPasswordAge = requests.NewInteger(90)
	q.PasswordReusePrevention = requests.NewInteger(3)
	q.MaxLoginAttemps = requests.NewInteger(5)
	return q
}

var strictWant = ram.PasswordPolicy{
	MinimumPasswordLength: 12, RequireLowercaseCharacters: true, RequireUppercaseCharacters: true, RequireNumbers: true,
	RequireSymbols: true, HardExpiry: true, MaxPasswordAge: 90, PasswordReusePrevention: 3, MaxLoginAttemps: 5,
}

func TestPasswordPolicyGetSet(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	gr, err := a.GetPasswordPolicy(ram.CreateGetPasswordPolicyRequest())
	must(t, err)
	if gr.PasswordPolicy != (ram.PasswordPolicy{MinimumPasswordLength: 8}) {
		t.Fatalf("default policy %+v", gr.PasswordPolicy)
	}
	for _, c := range []struct {
		set  func(*ram.SetPasswordPolicyRequest)
		code string
	}{
		{func(q *ram.SetPasswordPolicyRequest) { q.MinimumPasswordLength = requests.NewInteger(7) }, "InvalidParameter.MinimumPasswordLength.Range"},
		{func(q *ram.SetPasswordPolicyRequest) { q.MinimumPasswordLength = requests.NewInteger(33) }, "InvalidParameter.MinimumPasswordLength.Range"},
		{func(q *ram.SetPasswordPolicyRequest) { q.MinimumPasswordLength = "eight" }, "InvalidParameter.MinimumPasswordLength.Range"},
		{func(q *ram.SetPasswordPolicyRequest) { q.PasswordReusePrevention = requests.NewInteger(25) }, "InvalidParameter.PasswordReusePrevention.Range"},
		{func(q *ram.SetPasswordPolicyRequest) { q.MaxPasswordAge = requests.NewInteger(1096) }, "InvalidParameter.MaxPasswordAge.Range"},
		{func(q *ram.SetPasswordPolicyRequest) { q.MaxLoginAttemps = requests.NewInteger(33) }, "InvalidParameter.MaxLoginAttemps.Range"},
		{func(q *ram.SetPasswordPolicyRequest) { q.RequireSymbols = "maybe" }, "InvalidParameter.RequireSymbols"},
	} {
		q := ram.CreateSetPasswordPolicyRequest()
		c.set(q)
		_, err := a.SetPasswordPolicy(q)
		wantErr(t, err, c.code, 400)
	}
	q := ram.CreateSetPasswordPolicyRequest()
	q.MinimumPasswordLength = requests.NewInteger(7)
	_, err = a.SetPasswordPolicy(q)
	wantErrMsg(t, err, "InvalidParameter.MinimumPasswordLength.Range", 400, `The parameter - "MinimumPasswordLength" MUST be in the range of 8 and 32.`)
	sr, err := a.SetPasswordPolicy(strictPolicy())
	must(t, err)
	if sr.PasswordPolicy != strictWant {
		t.Fatalf("set answered %+v", sr.PasswordPolicy)
	}
	// Absent parameters keep their values.
	q = ram.CreateSetPasswordPolicyRequest()
	q.RequireSymbols = requests.NewBoolean(false)
	_, err = a.SetPasswordPolicy(q)
	must(t, err)
	gr, err = a.GetPasswordPolicy(ram.CreateGetPasswordPolicyRequest())
	must(t, err)
	want := strictWant
	want.RequireSymbols = false
	if gr.PasswordPolicy != want {
		t.Fatalf("get %+v, want %+v", gr.PasswordPolicy, want)
	}
	// The policy is the account's own.
	gb, err := e.rootB().GetPasswordPolicy(ram.CreateGetPasswordPolicyRequest())
	must(t, err)
	if gb.PasswordPolicy.MinimumPasswordLength != 8 {
		t.Fatalf("account B's policy changed: %+v", gb.PasswordPolicy)
	}
	createUser(t, a, "nobody")
	k := createKey(t, a, "nobody")
	_, err = e.ram(k.AccessKeyId, k.AccessKeySecret).SetPasswordPolicy(strictPolicy())
	wantErr(t, err, "NoPermission", 403)
}

// Every rule of the policy refuses a password in CreateLoginProfile, UpdateLoginProfile and ChangePassword.
func TestPasswordPolicyEnforced(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	_, err := a.SetPasswordPolicy(strictPolicy())
	must(t, err)
	createUser(t, a, "alice")
	k := createKey(t, a, "alice")
	alice := e.ram(k.AccessKeyId, k.AccessKeySecret)
	weak := map[string]string{
		"too short":     "Ab1!efghijk",
		"too long":      "Ab1!" + strings.Repeat("x", 29),
		"no lower case": "AB1!EFGHIJKL",
		"no upper case": "ab1!efghijkl",
		"no digit":      "Abc!efghijkl",
		"no symbol":     "Abc1efghijkl",
		"a space":       "Ab1! efghijkl",
		"non-ASCII":     "Ab1!éfghijkl",
	}
	for why, pw := range weak {
		se := wantErr(t, createLogin(a, "alice", pw, false), "InvalidParameter.Password.TooWeak", 400)
		if se.Message() != `The parameter - "Password" is not compliant with the password policy.` {
			t.Fatalf("%s: %s", why, se.Message())
		}
	}
	const first, second, third, fourth = "First-Pass-1", "Second-Pass-2", "Third-Pass-3", "Fourth-Pass-4"
	must(t, createLogin(a, "alice", first, true))
	for why, pw := range weak {
		wantErr(t, updateLoginPassword(a, "alice", pw), "InvalidParameter.Password.TooWeak", 400)
		se := wantErr(t, changePassword(alice, first, pw), "InvalidParameter.NewPassword.TooWeak", 400)
		if se.Message() != `The parameter - "NewPassword" is not compliant with the password policy.` {
			t.Fatalf("%s: %s", why, se.Message())
		}
	}
	// PasswordReusePrevention 3: the current password and the two before it are refused.
	wantErr(t, updateLoginPassword(a, "alice", first), "InvalidParameter.Password.TooWeak", 400)
	must(t, updateLoginPassword(a, "alice", second))
	must(t, changePassword(alice, second, third))
	for _, pw := range []string{first, second, third} {
		wantErrMsg(t, changePassword(alice, third, pw), "InvalidParameter.NewPassword.ReusePrevention", 400, `The parameter - "NewPassword" is not compliant with the reuse prevention password policy.`)
		wantErr(t, updateLoginPassword(a, "alice", pw), "InvalidParameter.Password.TooWeak", 400)
	}
	must(t, changePassword(alice, third, fourth))
	must(t, changePassword(alice, fourth, first)) // three changes later, the first password is allowed again

	// A restart keeps the account's policy and the password history.
	path := filepath.Join(t.TempDir(), "state.json")
	e2 := newEnv(t, Options{StatePath: path})
	a2 := e2.rootA()
	_, err = a2.SetPasswordPolicy(strictPolicy())
	must(t, err)
	createUser(t, a2, "bob")
	must(t, createLogin(a2, "bob", first, false))
	must(t, updateLoginPassword(a2, "bob", second))
	a3 := newEnv(t, Options{StatePath: path}).rootA()
	gr, err := a3.GetPasswordPolicy(ram.CreateGetPasswordPolicyRequest())
	must(t, err)
	if gr.PasswordPolicy != strictWant {
		t.Fatalf("policy after restart %+v", gr.PasswordPolicy)
	}
	wantErr(t, updateLoginPassword(a3, "bob", first), "InvalidParameter.Password.TooWeak", 400)
}

// ChangePassword is the RAM user's own call, made with the user's own AccessKey.
func TestChangePasswordByTheUser(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createUser(t, a, "alice")
	k := createKey(t, a, "alice")
	alice := e.ram(k.AccessKeyId, k.AccessKeySecret) // no policy attached: the security preference allows it
	const old, fresh = "Initial-Pass-1", "Changed-Pass-2"

	wantErrMsg(t, changePassword(alice, old, fresh), "EntityNotExist.User.LoginProfile", 404, "The user login profile does not exist.")
	must(t, createLogin(a, "alice", old, true))
	if !getLogin(t, a, "alice").PasswordResetRequired {
		t.Fatal("PasswordResetRequired not set")
	}
	wantErrMsg(t, changePassword(a, old, fresh), "NotSupport.Account", 400, "This method can be only invoked by sub user.")
	wantErrMsg(t, changePassword(alice, "Wrong-Pass-9", fresh), "InvalidParameter.OldPassword.Incorrect", 400, `The parameter - "OldPassword" is incorrect.`)
	wantErr(t, changePassword(alice, "", fresh), "MissingOldPassword", 400)
	wantErr(t, changePassword(alice, old, ""), "MissingNewPassword", 400)
	wantErr(t, changePassword(alice, old, "short"), "InvalidParameter.NewPassword.TooWeak", 400)
	if !getLogin(t, a, "alice").PasswordResetRequired {
		t.Fatal("a refused change cleared PasswordResetRequired")
	}

	must(t, changePassword(alice, old, fresh))
	if lp := getLogin(t, a, "alice"); lp.PasswordResetRequired {
		t.Fatalf("PasswordResetRequired still set after the change: %+v", lp)
	}
	wantErr(t, changePassword(alice, old, "Another-Pass-3"), "InvalidParameter.OldPassword.Incorrect", 400)

	// AllowUserToChangePassword=false: refused unless a policy grants ram:ChangePassword.
	sq := ram.CreateSetSecurityPreferenceRequest()
	sq.AllowUserToChangePassword = requests.NewBoolean(false)
	sr, err := a.SetSecurityPreference(sq)
	must(t, err)
	if sr.SecurityPreference.LoginProfilePreference.AllowUserToChangePassword {
		t.Fatalf("set answered %+v", sr.SecurityPreference)
	}
	wantErr(t, changePassword(alice, fresh, "Another-Pass-3"), "NoPermission", 403)
	createPolicy(t, a, "change-own-password", `{"Statement":[{"Action":"ram:ChangePassword","Effect":"Allow","Resource":"acs:ram:*:`+acctA.ID+`:user/alice"}],"Version":"1"}`)
	must(t, attachTo(a, "User", "alice", "Custom", "change-own-password"))
	must(t, changePassword(alice, fresh, "Another-Pass-3"))

	// An explicit Deny wins over the preference.
	sq = ram.CreateSetSecurityPreferenceRequest()
	sq.AllowUserToChangePassword = requests.NewBoolean(true)
	_, err = a.SetSecurityPreference(sq)
	must(t, err)
	createPolicy(t, a, "no-password-change", `{"Statement":[{"Action":"ram:ChangePassword","Effect":"Deny","Resource":"*"}],"Version":"1"}`)
	must(t, attachTo(a, "User", "alice", "Custom", "no-password-change"))
	wantErr(t, changePassword(alice, "Another-Pass-3", "Yet-Another-4"), "NoPermission", 403)

	// A role session is not a RAM user either.
	createRole(t, a, "ops", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::`+acctA.ID+`:root"]}}],"Version":"1"}`)
	must(t, attachTo(a, "User", "alice", "System", "AliyunSTSAssumeRoleAccess"))
	ar, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), "acs:ram::"+acctA.ID+":role/ops", "s1", "")
	must(t, err)
	sess := e.ramSTS(ar.Credentials.AccessKeyId, ar.Credentials.AccessKeySecret, ar.Credentials.SecurityToken)
	wantErr(t, changePassword(sess, "Another-Pass-3", "Yet-Another-4"), "NotSupport.Account", 400)
}

func TestSecurityPreference(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	gr, err := a.GetSecurityPreference(ram.CreateGetSecurityPreferenceRequest())
	must(t, err)
	p := gr.SecurityPreference
	if !p.LoginProfilePreference.AllowUserToChangePassword || p.LoginProfilePreference.LoginSessionDuration != 6 ||
		p.LoginProfilePreference.EnableSaveMFATicket || p.LoginProfilePreference.LoginNetworkMasks != "" ||
		!p.MFAPreference.AllowUserToManageMFADevices || p.AccessKeyPreference.AllowUserToManageAccessKeys ||
		p.PublicKeyPreference.AllowUserToManagePublicKeys {
		t.Fatalf("defaults %+v", p)
	}
	for _, bad := range []struct {
		set  func(q *ram.SetSecurityPreferenceRequest)
		code string
	}{
		{func(q *ram.SetSecurityPreferenceRequest) { q.LoginSessionDuration = requests.NewInteger(25) }, "InvalidParameter.LoginSessionDuration.Range"},
		{func(q *ram.SetSecurityPreferenceRequest) { q.LoginNetworkMasks = "10.0.0.0/8;not-a-mask" }, "InvalidParameter.LoginNetworkMasks.Format"},
	} {
		q := ram.CreateSetSecurityPreferenceRequest()
		bad.set(q)
		_, err = a.SetSecurityPreference(q)
		wantErr(t, err, bad.code, 400)
	}

	q := ram.CreateSetSecurityPreferenceRequest()
	q.LoginNetworkMasks, q.LoginSessionDuration = "10.0.0.0/8;192.168.0.0/16", requests.NewInteger(12)
	q.AllowUserToManageAccessKeys, q.EnableSaveMFATicket = requests.NewBoolean(true), requests.NewBoolean(true)
	_, err = a.SetSecurityPreference(q)
	must(t, err)
	gr, err = a.GetSecurityPreference(ram.CreateGetSecurityPreferenceRequest())
	must(t, err)
	p = gr.SecurityPreference
	if p.LoginProfilePreference.LoginNetworkMasks != "10.0.0.0/8;192.168.0.0/16" || p.LoginProfilePreference.LoginSessionDuration != 12 ||
		!p.AccessKeyPreference.AllowUserToManageAccessKeys || !p.LoginProfilePreference.EnableSaveMFATicket ||
		!p.LoginProfilePreference.AllowUserToChangePassword || !p.MFAPreference.AllowUserToManageMFADevices {
		t.Fatalf("after set %+v", p)
	}
	createUser(t, a, "nobody")
	k := createKey(t, a, "nobody")
	_, err = e.ram(k.AccessKeyId, k.AccessKeySecret).GetSecurityPreference(ram.CreateGetSecurityPreferenceRequest())
	wantErr(t, err, "NoPermission", 403)
}
