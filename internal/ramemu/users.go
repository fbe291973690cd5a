package ramemu

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strings"
	"unicode"
)

// userFields validates the optional profile fields; prefix is "" for CreateUser and "New" for UpdateUser,
// where a field sent empty is set (cleared) rather than ignored.
type userFields struct {
	display, mobile, email, comments             string
	displaySet, mobileSet, emailSet, commentsSet bool
}

func (rq *request) userFieldParams(prefix string) userFields {
	get := rq.text
	if prefix == "New" {
		get = rq.clearable
	}
	var f userFields
	if f.display, f.displaySet = get(prefix+"DisplayName", 128); f.displaySet && strings.IndexFunc(f.display, unicode.IsControl) >= 0 {
		rq.check(errInvalidChars(prefix + "DisplayName"))
	}
	if f.mobile, f.mobileSet = get(prefix+"MobilePhone", math.MaxInt); f.mobile != "" && !mobileRe.MatchString(f.mobile) {
		rq.check(errFormat(prefix + "MobilePhone"))
	}
	if f.email, f.emailSet = get(prefix+"Email", math.MaxInt); f.email != "" && (!emailRe.MatchString(f.email) || len(f.email) > 128) {
		rq.check(errFormat(prefix + "Email"))
	}
	f.comments, f.commentsSet = get(prefix+"Comments", 128)
	return f
}

func (rq *request) createUser() any {
	name := rq.userName()
	f := rq.userFieldParams("")
	a, key := rq.caller.acct, strings.ToLower(name)
	if !rq.creatable("ram:CreateUser", userRes(a.ID, name), "User", a.users[key] != nil, len(a.users), maxUsers) {
		return nil
	}
	u := &user{
		Name: name, ID: a.newNumericID(), DisplayName: f.display, MobilePhone: f.mobile, Email: f.email, Comments: f.comments,
		Created: rq.now, Updated: rq.now, policies: map[string]*attachment{}, groups: map[string]*membership{}, seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now),
	}
	a.users[key] = u
	out := userOut(u)
	out.UpdateDate = ""
	return map[string]any{"User": out}
}

type getUserResp struct {
	User userJSON `json:"User"`
}

func (rq *request) getUser() any {
	u := rq.user(rq.userName(), "ram:GetUser", forRead)
	if rq.err != nil {
		return nil
	}
	return getUserResp{User: userOut(u)}
}

func (rq *request) updateUser() any {
	name := rq.userName()
	newName, rename := rq.newName("NewUserName", userNameRe)
	f := rq.userFieldParams("New")
	u := rq.user(name, "ram:UpdateUser", forWrite)
	if rq.err != nil {
		return nil
	}
	if rename && !renamed(rq, rq.caller.acct.users, u, &u.Name, newName, "User") {
		return nil
	}
	if f.displaySet {
		u.DisplayName = f.display
	}
	if f.mobileSet {
		u.MobilePhone = f.mobile
	}
	if f.emailSet {
		u.Email = f.email
	}
	if f.commentsSet {
		u.Comments = f.comments
	}
	u.Updated = rq.now
	return map[string]any{"User": userOut(u)}
}

func (rq *request) deleteUser() any {
	// Documented order: access keys, login profile, policies, groups, MFA device.
	return deleteUnlessHeld(rq, rq.caller.acct.users, rq.user(rq.userName(), "ram:DeleteUser", forWrite),
		conflict[*user]{"User.AccessKey", func(u *user, _ *account) bool { return len(u.keys) > 0 }},
		conflict[*user]{"User.LoginProfile", func(u *user, _ *account) bool { return u.login != nil }},
		conflict[*user]{"User.Policy", func(u *user, a *account) bool {
			return len(u.policies) > 0 || a.recentlyDetached("User:"+u.ID, "", rq.now)
		}},
		conflict[*user]{"User.Group", func(u *user, a *account) bool {
			return len(u.groups) > 0 || a.recentlyDetached("Member:"+u.ID, "", rq.now)
		}},
		conflict[*user]{"User.MFADevice", func(u *user, _ *account) bool { return u.mfa != nil }})
}

func (rq *request) listUsers() any {
	pr := rq.listPage("ram:ListUsers")
	return markerList(rq, pr, readable(rq, rq.caller.acct.users), userOut, "Users", "User")
}

// --- login profiles ---

func hashPassword(userID, pw string) string {
	h := sha256.Sum256([]byte(userID + "\x00" + pw))
	return hex.EncodeToString(h[:])
}

func loginOut(u *user) loginProfileJSON {
	return loginProfileJSON{UserName: u.Name, PasswordResetRequired: u.login.PasswordResetRequired,
		MFABindRequired: u.login.MFABindRequired, CreateDate: fmtDate(u.login.Created)}
}

func (rq *request) createLoginProfile() any {
	name := rq.userName()
	pw := rq.password("Password")
	reset := rq.flag("PasswordResetRequired", false)
	mfa := rq.flag("MFABindRequired", false)
	u := rq.user(name, "ram:CreateLoginProfile", forWrite)
	if rq.err != nil {
		return nil
	}
	if u.login != nil {
		return rq.fail(errAlready("User.LoginProfile"))
	}
	u.login = &loginProfile{PasswordHash: hashPassword(u.ID, pw), PasswordResetRequired: reset, MFABindRequired: mfa, Created: rq.now}
	return map[string]any{"LoginProfile": loginOut(u)}
}

// password returns a mandatory password parameter that passes the account's password policy.
func (rq *request) password(p string) string {
	pw := rq.mandatory(p)
	if rq.err == nil {
		rq.check(rq.caller.acct.passwordPolicy.check(pw, p))
	}
	return pw
}

func (rq *request) getLoginProfile() any {
	u := rq.userHolding(heldLoginProfile, "ram:GetLoginProfile", forRead)
	if rq.err != nil {
		return nil
	}
	return map[string]any{"LoginProfile": loginOut(u)}
}

func (rq *request) updateLoginProfile() any {
	pp := rq.caller.acct.passwordPolicy
	pw, pwSet := rq.param("Password")
	if pwSet {
		rq.check(pp.check(pw, "Password"))
	}
	_, resetSet := rq.param("PasswordResetRequired")
	reset := rq.flag("PasswordResetRequired", false)
	_, mfaSet := rq.param("MFABindRequired")
	mfa := rq.flag("MFABindRequired", false)
	u := rq.userHolding(heldLoginProfile, "ram:UpdateLoginProfile", forWrite)
	if rq.err != nil {
		return nil
	}
	if pwSet && pp.reused(u, pw) {
		// The catalogue has no ReusePrevention code for the administrator's call: TooWeak covers every rule.
		return rq.fail(errWeakPassword("Password"))
	}
	if pwSet {
		u.login.setPassword(u.ID, pw)
	}
	if resetSet {
		u.login.PasswordResetRequired = reset
	}
	if mfaSet {
		u.login.MFABindRequired = mfa
	}
	return nil
}

func (rq *request) deleteLoginProfile() any {
	u := rq.userHolding(heldLoginProfile, "ram:DeleteLoginProfile", forWrite)
	if rq.err != nil {
		return nil
	}
	u.login = nil
	return nil
}

// --- access keys ---

// keyUser finds the user of the optional UserName (absent => the calling RAM user) and authorizes action on it.
func (rq *request) keyUser(action string, v view) *user {
	name, ok := rq.param("UserName")
	switch {
	case rq.err != nil:
		return nil
	case !ok && rq.caller.kind != callerUser:
		rq.check(errMissing("UserName"))
		return nil
	case !ok:
		name = rq.caller.user.Name
	default:
		rq.check(checkName("UserName", name, 64, userNameRe))
	}
	return rq.user(name, action, v)
}

func (rq *request) createAccessKey() any {
	u := rq.keyUser("ram:CreateAccessKey", forWrite)
	if rq.err != nil {
		return nil
	}
	if len(u.keys) >= maxAccessKeys {
		return rq.fail(errLimit("User.AccessKey"))
	}
	k := &accessKey{ID: rq.s.newAccessKeyID(), Secret: randString(30), Status: "Active", Created: rq.now, InEffectAt: rq.s.inEffectAt(rq.now)}
	u.keys = append(u.keys, k)
	rq.s.keys[k.ID] = &keyRef{acct: rq.caller.acct, user: u, key: k, secret: k.Secret}
	return map[string]any{"AccessKey": accessKeyJSON{AccessKeyId: k.ID, AccessKeySecret: k.Secret, Status: k.Status, CreateDate: fmtDate(k.Created)}}
}

func (rq *request) listAccessKeys() any {
	u := rq.keyUser("ram:ListAccessKeys", forRead)
	if rq.err != nil {
		return nil
	}
	items := make([]accessKeyJSON, 0, len(u.keys))
	for _, k := range u.keys {
		items = append(items, accessKeyJSON{AccessKeyId: k.ID, Status: k.Status, CreateDate: fmtDate(k.Created)})
	}
	return map[string]any{"AccessKeys": map[string]any{"AccessKey": items}}
}

// keyTarget resolves UserAccessKeyId and the key's user, authorizes action on the user and finds the key.
func (rq *request) keyTarget(action string) (*user, int) {
	kid := rq.mandatory("UserAccessKeyId")
	u := rq.keyUser(action, forWrite)
	if rq.err != nil {
		return nil, 0
	}
	for i, k := range u.keys {
		if k.ID == kid {
			return u, i
		}
	}
	rq.check(errNotExist("User.AccessKey"))
	return nil, 0
}

func (rq *request) updateAccessKey() any {
	status := rq.mandatory("Status")
	if rq.err == nil && status != "Active" && status != "Inactive" {
		rq.check(errInvalid("Status"))
	}
	u, i := rq.keyTarget("ram:UpdateAccessKey")
	if rq.err != nil {
		return nil
	}
	if k := u.keys[i]; k.Status != "Active" && status == "Active" {
		k.InEffectAt = rq.s.inEffectAt(rq.now) // re-activation is a grant: it propagates like a new key
	}
	u.keys[i].Status = status
	return nil
}

func (rq *request) deleteAccessKey() any {
	u, i := rq.keyTarget("ram:DeleteAccessKey")
	if rq.err != nil {
		return nil
	}
	delete(rq.s.keys, u.keys[i].ID)
	u.keys = append(u.keys[:i:i], u.keys[i+1:]...)
	return nil
}
