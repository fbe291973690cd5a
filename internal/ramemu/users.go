package ramemu

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

func (rq *request) findUser(name string, read bool) (*user, *apiError) {
	u := rq.caller.acct.users[strings.ToLower(name)]
	if u == nil || (read && !visible(u.visibleAt, rq.now)) {
		return nil, errNotExist("User")
	}
	return u, nil
}

// userFields validates the optional profile fields; prefix is "" for CreateUser and "New" for UpdateUser.
type userFields struct {
	display, mobile, email, comments             string
	displaySet, mobileSet, emailSet, commentsSet bool
}

func (rq *request) userFieldParams(prefix string) (userFields, *apiError) {
	var f userFields
	var aerr *apiError
	if f.display, f.displaySet, aerr = rq.optText(prefix+"DisplayName", 128); aerr != nil {
		return f, aerr
	}
	if f.displaySet && strings.IndexFunc(f.display, unicode.IsControl) >= 0 {
		return f, errInvalidChars(prefix + "DisplayName")
	}
	if f.mobile, f.mobileSet = rq.param(prefix + "MobilePhone"); f.mobileSet && !mobileRe.MatchString(f.mobile) {
		return f, errFormat(prefix + "MobilePhone")
	}
	if f.email, f.emailSet = rq.param(prefix + "Email"); f.emailSet && (!emailRe.MatchString(f.email) || len(f.email) > 128) {
		return f, errFormat(prefix + "Email")
	}
	if f.comments, f.commentsSet, aerr = rq.optText(prefix+"Comments", 128); aerr != nil {
		return f, aerr
	}
	return f, nil
}

func (rq *request) createUser() (any, *apiError) {
	name, aerr := rq.userName()
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := rq.userFieldParams("")
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:CreateUser", userRes(a.ID, name)); aerr != nil {
		return nil, aerr
	}
	key := strings.ToLower(name)
	if a.users[key] != nil {
		return nil, errAlready("User")
	}
	if len(a.users) >= maxUsers {
		return nil, errLimit("User")
	}
	u := &user{
		Name: name, ID: a.newNumericID(), DisplayName: f.display, MobilePhone: f.mobile, Email: f.email, Comments: f.comments,
		Created: rq.now, Updated: rq.now, policies: map[string]*attachment{}, seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now),
	}
	a.users[key] = u
	out := userOut(u)
	out.UpdateDate = ""
	return map[string]any{"User": out}, nil
}

type getUserResp struct {
	User userJSON `json:"User"`
}

func (rq *request) getUser() (any, *apiError) {
	name, aerr := rq.userName()
	if aerr != nil {
		return nil, aerr
	}
	u, aerr := rq.findUser(name, true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:GetUser", userRes(rq.caller.acct.ID, u.Name)); aerr != nil {
		return nil, aerr
	}
	return getUserResp{User: userOut(u)}, nil
}

func (rq *request) updateUser() (any, *apiError) {
	name, aerr := rq.userName()
	if aerr != nil {
		return nil, aerr
	}
	newName, rename := rq.param("NewUserName")
	if rename {
		if aerr := checkName("NewUserName", newName, 64, userNameRe); aerr != nil {
			return nil, aerr
		}
	}
	f, aerr := rq.userFieldParams("New")
	if aerr != nil {
		return nil, aerr
	}
	u, aerr := rq.findUser(name, false)
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:UpdateUser", userRes(a.ID, u.Name)); aerr != nil {
		return nil, aerr
	}
	if rename {
		nk := strings.ToLower(newName)
		if other := a.users[nk]; other != nil && other != u {
			return nil, errAlready("User")
		}
		delete(a.users, strings.ToLower(u.Name))
		u.Name = newName
		a.users[nk] = u
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
	return map[string]any{"User": userOut(u)}, nil
}

func (rq *request) deleteUser() (any, *apiError) {
	name, aerr := rq.userName()
	if aerr != nil {
		return nil, aerr
	}
	u, aerr := rq.findUser(name, false)
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:DeleteUser", userRes(a.ID, u.Name)); aerr != nil {
		return nil, aerr
	}
	// Documented order: access keys, login profile, policies (groups and MFA devices are not emulated).
	switch {
	case len(u.keys) > 0:
		return nil, errConflict("User.AccessKey")
	case u.login != nil:
		return nil, errConflict("User.LoginProfile")
	case len(u.policies) > 0 || a.recentlyDetached("User:"+u.ID, "", rq.now):
		return nil, errConflict("User.Policy")
	}
	delete(a.users, strings.ToLower(u.Name))
	return nil, nil
}

func (rq *request) listUsers() (any, *apiError) {
	pr, aerr := rq.pageParams()
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:ListUsers", "*"); aerr != nil {
		return nil, aerr
	}
	bySeq := make(map[uint64]*user, len(a.users))
	keys := make([]uint64, 0, len(a.users))
	for _, u := range a.users {
		if visible(u.visibleAt, rq.now) {
			bySeq[u.seq] = u
			keys = append(keys, u.seq)
		}
	}
	start, end, marker := paginate(keys, pr)
	items := make([]userJSON, 0, end-start)
	for _, k := range keys[start:end] {
		items = append(items, userOut(bySeq[k]))
	}
	return listResp(marker, "Users", map[string]any{"User": items}), nil
}

// --- login profiles ---

func hashPassword(userID, pw string) string {
	h := sha256.Sum256([]byte(userID + "\x00" + pw))
	return hex.EncodeToString(h[:])
}

func checkPassword(pw string) *apiError {
	n := runeLen(pw)
	if n < 8 || n > 32 {
		return errf(400, "InvalidParameter.Password.TooWeak", `The parameter - "Password" is not compliant with the password policy.`)
	}
	for _, r := range pw {
		if r < 0x21 || r > 0x7e {
			return errf(400, "InvalidParameter.Password.TooWeak", `The parameter - "Password" is not compliant with the password policy.`)
		}
	}
	return nil
}

func loginOut(u *user) loginProfileJSON {
	return loginProfileJSON{UserName: u.Name, PasswordResetRequired: u.login.PasswordResetRequired,
		MFABindRequired: u.login.MFABindRequired, CreateDate: fmtDate(u.login.Created)}
}

func (rq *request) createLoginProfile() (any, *apiError) {
	name, aerr := rq.userName()
	if aerr != nil {
		return nil, aerr
	}
	pw, aerr := rq.required("Password")
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkPassword(pw); aerr != nil {
		return nil, aerr
	}
	reset, aerr := rq.boolParam("PasswordResetRequired", false)
	if aerr != nil {
		return nil, aerr
	}
	mfa, aerr := rq.boolParam("MFABindRequired", false)
	if aerr != nil {
		return nil, aerr
	}
	u, aerr := rq.findUser(name, false)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:CreateLoginProfile", userRes(rq.caller.acct.ID, u.Name)); aerr != nil {
		return nil, aerr
	}
	if u.login != nil {
		return nil, errAlready("User.LoginProfile")
	}
	u.login = &loginProfile{PasswordHash: hashPassword(u.ID, pw), PasswordResetRequired: reset, MFABindRequired: mfa, Created: rq.now}
	return map[string]any{"LoginProfile": loginOut(u)}, nil
}

func (rq *request) loginTarget(action string, read bool) (*user, *apiError) {
	name, aerr := rq.userName()
	if aerr != nil {
		return nil, aerr
	}
	u, aerr := rq.findUser(name, read)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:"+action, userRes(rq.caller.acct.ID, u.Name)); aerr != nil {
		return nil, aerr
	}
	if u.login == nil {
		return nil, errNotExist("User.LoginProfile")
	}
	return u, nil
}

func (rq *request) getLoginProfile() (any, *apiError) {
	u, aerr := rq.loginTarget("GetLoginProfile", true)
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"LoginProfile": loginOut(u)}, nil
}

func (rq *request) updateLoginProfile() (any, *apiError) {
	pw, pwSet := rq.param("Password")
	if pwSet {
		if aerr := checkPassword(pw); aerr != nil {
			return nil, aerr
		}
	}
	_, resetSet := rq.param("PasswordResetRequired")
	reset, aerr := rq.boolParam("PasswordResetRequired", false)
	if aerr != nil {
		return nil, aerr
	}
	_, mfaSet := rq.param("MFABindRequired")
	mfa, aerr := rq.boolParam("MFABindRequired", false)
	if aerr != nil {
		return nil, aerr
	}
	u, aerr := rq.loginTarget("UpdateLoginProfile", false)
	if aerr != nil {
		return nil, aerr
	}
	if pwSet {
		u.login.PasswordHash = hashPassword(u.ID, pw)
	}
	if resetSet {
		u.login.PasswordResetRequired = reset
	}
	if mfaSet {
		u.login.MFABindRequired = mfa
	}
	return nil, nil
}

func (rq *request) deleteLoginProfile() (any, *apiError) {
	u, aerr := rq.loginTarget("DeleteLoginProfile", false)
	if aerr != nil {
		return nil, aerr
	}
	u.login = nil
	return nil, nil
}

// --- access keys ---

// keyUser resolves the optional UserName (absent => the calling RAM user).
func (rq *request) keyUser(read bool) (*user, *apiError) {
	name, ok := rq.param("UserName")
	if !ok {
		if rq.caller.kind != callerUser {
			return nil, errMissing("UserName")
		}
		name = rq.caller.user.Name
	} else if aerr := checkName("UserName", name, 64, userNameRe); aerr != nil {
		return nil, aerr
	}
	return rq.findUser(name, read)
}

func (rq *request) createAccessKey() (any, *apiError) {
	u, aerr := rq.keyUser(false)
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:CreateAccessKey", userRes(a.ID, u.Name)); aerr != nil {
		return nil, aerr
	}
	if len(u.keys) >= maxAccessKeys {
		return nil, errLimit("User.AccessKey")
	}
	k := &accessKey{ID: rq.s.newAccessKeyID(), Secret: randString(30), Status: "Active", Created: rq.now}
	u.keys = append(u.keys, k)
	rq.s.keys[k.ID] = &keyRef{acct: a, user: u, key: k, secret: k.Secret}
	return map[string]any{"AccessKey": accessKeyJSON{AccessKeyId: k.ID, AccessKeySecret: k.Secret, Status: k.Status, CreateDate: fmtDate(k.Created)}}, nil
}

func (rq *request) listAccessKeys() (any, *apiError) {
	u, aerr := rq.keyUser(true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:ListAccessKeys", userRes(rq.caller.acct.ID, u.Name)); aerr != nil {
		return nil, aerr
	}
	items := make([]accessKeyJSON, 0, len(u.keys))
	for _, k := range u.keys {
		items = append(items, accessKeyJSON{AccessKeyId: k.ID, Status: k.Status, CreateDate: fmtDate(k.Created)})
	}
	return map[string]any{"AccessKeys": map[string]any{"AccessKey": items}}, nil
}

func (rq *request) keyTarget(action string) (*user, int, *apiError) {
	kid, aerr := rq.required("UserAccessKeyId")
	if aerr != nil {
		return nil, 0, aerr
	}
	u, aerr := rq.keyUser(false)
	if aerr != nil {
		return nil, 0, aerr
	}
	if aerr := rq.authorize("ram:"+action, userRes(rq.caller.acct.ID, u.Name)); aerr != nil {
		return nil, 0, aerr
	}
	for i, k := range u.keys {
		if k.ID == kid {
			return u, i, nil
		}
	}
	return nil, 0, errNotExist("User.AccessKey")
}

func (rq *request) updateAccessKey() (any, *apiError) {
	status, aerr := rq.required("Status")
	if aerr != nil {
		return nil, aerr
	}
	if status != "Active" && status != "Inactive" {
		return nil, errInvalid("Status")
	}
	u, i, aerr := rq.keyTarget("UpdateAccessKey")
	if aerr != nil {
		return nil, aerr
	}
	u.keys[i].Status = status
	return nil, nil
}

func (rq *request) deleteAccessKey() (any, *apiError) {
	u, i, aerr := rq.keyTarget("DeleteAccessKey")
	if aerr != nil {
		return nil, aerr
	}
	delete(rq.s.keys, u.keys[i].ID)
	u.keys = append(u.keys[:i:i], u.keys[i+1:]...)
	return nil, nil
}
