package ramemu

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func stsNoPermission() string {
	return "You are not authorized to do this action. You should be authorized by RAM."
}

func (rq *request) assumeRole() any {
	c := rq.caller
	if c.kind == callerRoot {
		return rq.fail(errf(http.StatusForbidden, "NoPermission", "Roles may not be assumed by root accounts."))
	}
	arn := rq.mandatory("RoleArn")
	if rq.err != nil {
		return nil
	}
	var roleAcctID, roleName string
	if m := userArnRe.FindStringSubmatch(arn); m != nil && accountIDRe.MatchString(m[1]) {
		// A well-formed ARN naming a user is a role that does not exist (ram-api.md §3.1 step 3), not a
		// malformed parameter: roleName stays "" and the lookup below fails.
		roleAcctID = m[1]
	} else {
		m := roleArnRe.FindStringSubmatch(arn)
		if m == nil || !accountIDRe.MatchString(m[1]) || checkName("RoleName", m[2], 64, roleNameRe) != nil {
			return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed."))
		}
		roleAcctID, roleName = m[1], m[2]
	}
	sessName := rq.mandatory("RoleSessionName")
	if rq.err != nil {
		return nil
	}
	if n := len(sessName); n < 2 || n > 64 || !sessNameRe.MatchString(sessName) {
		return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed."))
	}
	duration := int64(3600)
	if v, ok := rq.param("DurationSeconds"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 900 || n > 43200 {
			return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is 15min/12hr."))
		}
		duration = n
	}
	var sessPol *pdoc
	polDoc, hasPol := rq.param("Policy")
	if hasPol {
		if len(polDoc) > maxSessionPolicy {
			return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.PolicySize", "The parameter Policy is too large."))
		}
		d, err := parsePolicy(polDoc, permissionDoc)
		if err != nil {
			return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check."))
		}
		sessPol = d
	}
	extID, hasExt := rq.param("ExternalId")
	if hasExt && (len(extID) < 2 || len(extID) > 1224 || !externalIDRe.MatchString(extID)) {
		return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.ExternalId", "The parameter ExternalId is wrongly formed."))
	}

	roleAcct := rq.s.accounts[roleAcctID]
	var r *role
	if roleAcct != nil && roleName != "" {
		r = roleAcct.roles[strings.ToLower(roleName)]
	}
	if r == nil {
		return rq.fail(errf(http.StatusNotFound, "EntityNotExist.Role", "The specified Role not exists."))
	}

	ctx := rq.condCtx()
	if hasExt {
		ctx["sts:externalid"] = []string{extID}
	}
	// 1. identity-based: the caller's own policies must allow sts:AssumeRole on the role.
	resource := "acs:ram::" + roleAcctID + ":role/" + r.Name
	if d := rq.s.decide(c, "sts:AssumeRole", resource, ctx, rq.now); d != allowed {
		return rq.fail(rq.noPermission("sts:AssumeRole", d, "AccountLevelIdentityBasedPolicy", stsNoPermission()))
	}
	// 2. resource-based: the role's trust policy must allow this caller.
	if d := trustDecision(r, rq.principalMatcher(), ctx, rq.now); d != allowed {
		return rq.fail(rq.noPermission("sts:AssumeRole", d, "AssumeRolePolicy", stsNoPermission()))
	}
	if duration > r.MaxSession {
		return rq.fail(errf(http.StatusBadRequest, "InvalidParameter.DurationSeconds",
			"The Min/Max value of DurationSeconds is 15min/"+strconv.FormatInt(r.MaxSession/3600, 10)+"hr."))
	}

	rq.s.sweepSessionsLocked(rq.now)
	sess := &session{
		AccessKeyID: rq.s.newSTSKeyID(), Secret: randString(44), Token: newSecurityToken(),
		AccountID: roleAcctID, RoleID: r.ID, RoleName: r.Name, SessionName: sessName,
		PolicyDoc: polDoc, policy: sessPol, Expiration: rq.now.Add(time.Duration(duration) * time.Second).Truncate(time.Second),
		SourceAccountID: c.acct.ID, SourceArn: c.principalArn(), SourcePrincipalID: c.principalID(),
	}
	rq.s.sessions[sess.AccessKeyID] = sess
	return map[string]any{
		"AssumedRoleUser": map[string]string{
			"AssumedRoleId": r.ID + ":" + sessName,
			"Arn":           "acs:ram::" + roleAcctID + ":role/" + strings.ToLower(r.Name) + "/" + sessName,
		},
		"Credentials": map[string]string{
			"AccessKeyId":     sess.AccessKeyID,
			"AccessKeySecret": sess.Secret,
			"SecurityToken":   sess.Token,
			"Expiration":      fmtDate(sess.Expiration),
		},
	}
}

// principalMatcher matches trust-policy RAM principals against the caller:
// acs:ram::<acct>:root (any user or session of that account), :user/<name>, :role/<name> (sessions of that role).
func (rq *request) principalMatcher() func(ptype, pattern string) bool {
	c := rq.caller
	var own []string // lower-cased ARNs naming the caller
	own = append(own, "acs:ram::"+c.acct.ID+":root")
	switch c.kind {
	case callerUser:
		own = append(own, "acs:ram::"+c.acct.ID+":user/"+strings.ToLower(c.user.Name))
	case callerSession:
		own = append(own, "acs:ram::"+c.acct.ID+":role/"+strings.ToLower(c.sess.RoleName))
	}
	return func(ptype, p string) bool {
		if ptype != "ram" {
			return false // a Service or Federated principal never matches a caller with an AccessKey
		}
		if p == "*" {
			return true
		}
		lp := strings.ToLower(p)
		for _, o := range own {
			if globMatch(lp, o) {
				return true
			}
		}
		return false
	}
}

func newSecurityToken() string {
	return "CAIS" + base64.RawURLEncoding.EncodeToString([]byte(randString(96)))
}

// sweepSessionsLocked drops sessions long expired or whose role is gone, so memory stays bounded.
func (s *Server) sweepSessionsLocked(now time.Time) {
	if len(s.sessions) < 1024 {
		return
	}
	for id, sess := range s.sessions {
		if now.Sub(sess.Expiration) > time.Hour {
			delete(s.sessions, id)
		}
	}
}

func (rq *request) getCallerIdentity() any {
	c := rq.caller
	out := map[string]any{"AccountId": c.acct.ID}
	switch c.kind {
	case callerRoot:
		out["IdentityType"] = "Account"
		out["Arn"] = "acs:ram::" + c.acct.ID + ":root"
		out["PrincipalId"] = c.acct.ID
		out["UserId"] = c.acct.ID
	case callerUser:
		out["IdentityType"] = "RAMUser"
		out["Arn"] = "acs:ram::" + c.acct.ID + ":user/" + c.user.Name
		out["PrincipalId"] = c.user.ID
		out["UserId"] = c.user.ID
	case callerSession:
		out["IdentityType"] = "AssumedRoleUser"
		out["Arn"] = c.principalArn()
		out["PrincipalId"] = c.sess.RoleID + ":" + c.sess.SessionName
		out["RoleId"] = c.sess.RoleID
	}
	return out
}

// --- account alias ---

func (rq *request) getAccountAlias() any {
	if !rq.allow("ram:GetAccountAlias", "*") {
		return nil
	}
	return map[string]any{"AccountAlias": rq.s.aliasOrID(rq.caller.acct)}
}

func (rq *request) setAccountAlias() any {
	alias := rq.mandatory("AccountAlias")
	if rq.err != nil {
		return nil
	}
	if n := len(alias); n < 3 || n > 32 {
		return rq.fail(errLength("AccountAlias"))
	}
	if !aliasRe.MatchString(alias) {
		return rq.fail(errFormat("AccountAlias"))
	}
	if !rq.allow("ram:SetAccountAlias", "*") {
		return nil
	}
	for _, other := range rq.s.acctList {
		if other != rq.caller.acct && other.Alias == alias {
			return rq.fail(errAlready("AccountAlias"))
		}
	}
	rq.caller.acct.Alias = alias
	return nil
}
