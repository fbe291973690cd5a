package ramemu

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"
)

// The account's password policy, its security preference, and the RAM user's own ChangePassword.

// passwordPolicy is the account's password policy; the zero value is not valid, use defaultPasswordPolicy.
// Field names are the SDK's (MaxLoginAttemps is RAM's spelling). Only the strength rules and
// PasswordReusePrevention act on the API; MaxPasswordAge, HardExpiry and MaxLoginAttemps concern console
// logons, which the emulator does not have, so they are kept and returned only.
type passwordPolicy struct {
	MinimumPasswordLength      int  `json:"MinimumPasswordLength"`
	RequireLowercaseCharacters bool `json:"RequireLowercaseCharacters"`
	RequireUppercaseCharacters bool `json:"RequireUppercaseCharacters"`
	RequireNumbers             bool `json:"RequireNumbers"`
	RequireSymbols             bool `json:"RequireSymbols"`
	HardExpiry                 bool `json:"HardExpiry"`
	MaxPasswordAge             int  `json:"MaxPasswordAge"`
	PasswordReusePrevention    int  `json:"PasswordReusePrevention"`
	MaxLoginAttemps            int  `json:"MaxLoginAttemps"`
}

// defaultPasswordPolicy is a new account's policy: the SetPasswordPolicy reference's defaults
// (length 8, no character classes, no expiry, no reuse check, no lockout), as ram-api.md §2.22 has them.
func defaultPasswordPolicy() passwordPolicy { return passwordPolicy{MinimumPasswordLength: 8} }

// maxPasswordHistory is PasswordReusePrevention's upper bound: the most previous passwords ever compared.
const maxPasswordHistory = 24

// securityPreference is the account's SetSecurityPreference state, in the SDK's response shape.
type securityPreference struct {
	LoginProfilePreference struct {
		EnableSaveMFATicket       bool   `json:"EnableSaveMFATicket"`
		AllowUserToChangePassword bool   `json:"AllowUserToChangePassword"`
		LoginSessionDuration      int    `json:"LoginSessionDuration"`
		LoginNetworkMasks         string `json:"LoginNetworkMasks"`
	} `json:"LoginProfilePreference"`
	AccessKeyPreference struct {
		AllowUserToManageAccessKeys bool `json:"AllowUserToManageAccessKeys"`
	} `json:"AccessKeyPreference"`
	MFAPreference struct {
		AllowUserToManageMFADevices bool `json:"AllowUserToManageMFADevices"`
	} `json:"MFAPreference"`
	PublicKeyPreference struct {
		AllowUserToManagePublicKeys bool `json:"AllowUserToManagePublicKeys"`
	} `json:"PublicKeyPreference"`
}

// defaultSecurityPreference has the documented defaults: users may change their password and manage their
// MFA devices, not their AccessKeys or public keys; sessions last 6 hours; no network mask.
func defaultSecurityPreference() securityPreference {
	var p securityPreference
	p.LoginProfilePreference.AllowUserToChangePassword = true
	p.LoginProfilePreference.LoginSessionDuration = 6
	p.MFAPreference.AllowUserToManageMFADevices = true
	return p
}

// errWeakPassword is the one code RAM sends for every rule the password breaks; param is "Password"
// (CreateLoginProfile, UpdateLoginProfile) or "NewPassword" (ChangePassword).
func errWeakPassword(param string) *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter."+param+".TooWeak", `The parameter - "`+param+`" is not compliant with the password policy.`)
}

func errPasswordReused() *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter.NewPassword.ReusePrevention",
		`The parameter - "NewPassword" is not compliant with the reuse prevention password policy.`)
}

func errPolicyRange(p string, lo, hi int) *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter."+p+".Range",
		`The parameter - "`+p+`" MUST be in the range of `+strconv.Itoa(lo)+` and `+strconv.Itoa(hi)+`.`)
}

// check applies RAM's fixed rules (at most 32 printable ASCII characters, no spaces) and the
// account's password policy.
func (pp passwordPolicy) check(pw, param string) *apiError {
	n := runeLen(pw)
	if n < pp.MinimumPasswordLength || n > 32 {
		return errWeakPassword(param)
	}
	var lower, upper, digit, symbol bool
	for _, r := range pw {
		switch {
		case r < 0x21 || r > 0x7e:
			return errWeakPassword(param)
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	if pp.RequireLowercaseCharacters && !lower || pp.RequireUppercaseCharacters && !upper ||
		pp.RequireNumbers && !digit || pp.RequireSymbols && !symbol {
		return errWeakPassword(param)
	}
	return nil
}

// reused reports whether pw is the current password or one of the PasswordReusePrevention-1 before it.
func (pp passwordPolicy) reused(u *user, pw string) bool {
	n := pp.PasswordReusePrevention
	if n == 0 || u.login == nil {
		return false
	}
	h := hashPassword(u.ID, pw)
	if h == u.login.PasswordHash {
		return true
	}
	for i, old := range u.login.History {
		if i >= n-1 {
			break
		}
		if old == h {
			return true
		}
	}
	return false
}

// setPassword replaces the login profile's password, remembering the old hash for reuse checks.
func (lp *loginProfile) setPassword(userID, pw string) {
	lp.History = append([]string{lp.PasswordHash}, lp.History...)
	if len(lp.History) > maxPasswordHistory {
		lp.History = lp.History[:maxPasswordHistory]
	}
	lp.PasswordHash = hashPassword(userID, pw)
}

func (rq *request) getPasswordPolicy() any {
	if !rq.allow("ram:GetPasswordPolicy", "*") {
		return nil
	}
	return map[string]any{"PasswordPolicy": rq.caller.acct.passwordPolicy}
}

// setInt sets *dst to the optional integer parameter p when present; outside [lo, hi] (or not an integer)
// it is InvalidParameter.<p>.Range.
func (rq *request) setInt(p string, lo, hi int, dst *int) {
	v, ok := rq.param(p)
	if !ok || rq.err != nil {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		rq.check(errPolicyRange(p, lo, hi))
		return
	}
	*dst = n
}

// setFlag sets *dst to the optional boolean parameter p when present.
func (rq *request) setFlag(p string, dst *bool) { *dst = rq.flag(p, *dst) }

func (rq *request) setPasswordPolicy() any {
	pp := rq.caller.acct.passwordPolicy // absent parameters keep their current value
	rq.setInt("MinimumPasswordLength", 8, 32, &pp.MinimumPasswordLength)
	rq.setFlag("RequireLowercaseCharacters", &pp.RequireLowercaseCharacters)
	rq.setFlag("RequireUppercaseCharacters", &pp.RequireUppercaseCharacters)
	rq.setFlag("RequireNumbers", &pp.RequireNumbers)
	rq.setFlag("RequireSymbols", &pp.RequireSymbols)
	rq.setFlag("HardExpiry", &pp.HardExpiry)
	rq.setInt("MaxPasswordAge", 0, 1095, &pp.MaxPasswordAge)
	rq.setInt("PasswordReusePrevention", 0, maxPasswordHistory, &pp.PasswordReusePrevention)
	rq.setInt("MaxLoginAttemps", 0, 32, &pp.MaxLoginAttemps)
	if !rq.allow("ram:SetPasswordPolicy", "*") {
		return nil
	}
	rq.caller.acct.passwordPolicy = pp
	return map[string]any{"PasswordPolicy": pp}
}

func (rq *request) getSecurityPreference() any {
	if !rq.allow("ram:GetSecurityPreference", "*") {
		return nil
	}
	return map[string]any{"SecurityPreference": rq.caller.acct.securityPref}
}

func (rq *request) setSecurityPreference() any {
	sp := rq.caller.acct.securityPref // absent parameters keep their current value
	lp := &sp.LoginProfilePreference
	rq.setFlag("EnableSaveMFATicket", &lp.EnableSaveMFATicket)
	rq.setFlag("AllowUserToChangePassword", &lp.AllowUserToChangePassword)
	rq.setFlag("AllowUserToManageAccessKeys", &sp.AccessKeyPreference.AllowUserToManageAccessKeys)
	rq.setFlag("AllowUserToManageMFADevices", &sp.MFAPreference.AllowUserToManageMFADevices)
	rq.setFlag("AllowUserToManagePublicKeys", &sp.PublicKeyPreference.AllowUserToManagePublicKeys)
	rq.setInt("LoginSessionDuration", 1, 24, &lp.LoginSessionDuration)
	// Present and empty clears the masks, so the raw parameter is read.
	if masks, ok := rq.params["LoginNetworkMasks"]; ok && rq.err == nil {
		if rq.check(networkMasksErr(masks)) {
			lp.LoginNetworkMasks = masks
		}
	}
	if !rq.allow("ram:SetSecurityPreference", "*") {
		return nil
	}
	rq.caller.acct.securityPref = sp
	return map[string]any{"SecurityPreference": sp}
}

// networkMasksErr accepts "" or up to 25 addresses or CIDRs separated by ";", 512 characters in all.
func networkMasksErr(s string) *apiError {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ";")
	if len(s) > 512 || len(parts) > 25 {
		return errFormat("LoginNetworkMasks")
	}
	for _, p := range parts {
		if _, ok := parseCIDR(p); !ok {
			return errFormat("LoginNetworkMasks")
		}
	}
	return nil
}

// changePassword is the RAM user's own call. It needs no policy while the account lets users change their
// password (AllowUserToChangePassword, default true); otherwise, or to override it, a policy decides:
// an explicit Deny of ram:ChangePassword always refuses, an Allow always permits.
func (rq *request) changePassword() any {
	c := rq.caller
	if c.kind != callerUser {
		return rq.fail(errf(http.StatusBadRequest, "NotSupport.Account", "This method can be only invoked by sub user."))
	}
	oldPw := rq.mandatory("OldPassword")
	newPw := rq.mandatory("NewPassword")
	u := rq.findUser(c.user.Name, forWrite)
	if rq.err != nil {
		return nil
	}
	a := c.acct
	if u.login == nil {
		return rq.fail(errNotExist("User.LoginProfile"))
	}
	const action = "ram:ChangePassword"
	d := rq.s.decide(c, action, u.resource(a.ID), rq.condCtx(), rq.now)
	if d == explicitDeny || d == implicitDeny && !a.securityPref.LoginProfilePreference.AllowUserToChangePassword {
		return rq.fail(rq.noPermission(action, d, "AccountLevelIdentityBasedPolicy", "You are not authorized to do this action."))
	}
	switch {
	case hashPassword(u.ID, oldPw) != u.login.PasswordHash:
		return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.OldPassword.Incorrect", `The parameter - "OldPassword" is incorrect.`))
	case !rq.check(a.passwordPolicy.check(newPw, "NewPassword")):
		return nil
	case a.passwordPolicy.reused(u, newPw):
		return rq.fail(errPasswordReused())
	}
	u.login.setPassword(u.ID, newPw)
	u.login.PasswordResetRequired = false
	return nil
}
