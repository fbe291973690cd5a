package ramemu

import (
	"net/http"
	"strings"
	"time"
)

// Resource ARNs used for RAM API authorization (ram-api.md §7.5).
func roleRes(acct, name string) string   { return "acs:ram:*:" + acct + ":role/" + name }
func userRes(acct, name string) string   { return "acs:ram:*:" + acct + ":user/" + name }
func policyRes(acct, name string) string { return "acs:ram:*:" + acct + ":policy/" + name }
func groupRes(acct, name string) string  { return "acs:ram:*:" + acct + ":group/" + name }

// condCtx builds the request's condition keys.
func (rq *request) condCtx() evalCtx {
	return evalCtx{
		"acs:sourceip":        {rq.sourceIP},
		"acs:currenttime":     {fmtDate(rq.now)},
		"acs:securetransport": {boolStr(rq.secure)},
		"acs:mfapresent":      {"false"}, // AccessKey callers never carry MFA
		"acs:accessid":        {rq.caller.akID},
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// identityDocs returns the caller's identity-based policy documents in effect at now (see propagation.go),
// plus a session policy (nil if none). Caller holds s.mu.
func (s *Server) identityDocs(c *caller, now time.Time) (docs []*pdoc, sessionPolicy *pdoc, ok bool) {
	var atts []map[string]*attachment
	switch c.kind {
	case callerUser:
		u := c.acct.users[strings.ToLower(c.user.Name)]
		if u == nil || u != c.user {
			return nil, nil, false
		}
		// A user's permissions are its own policies plus those of every group it is in.
		atts = append(atts, u.policies)
		for _, m := range u.groups {
			if membershipInEffect(m, now) {
				atts = append(atts, m.group.policies)
			}
		}
	case callerSession:
		r := c.acct.roles[strings.ToLower(c.sess.RoleName)]
		if r == nil || r.ID != c.sess.RoleID {
			return nil, nil, false
		}
		atts = append(atts, r.policies)
		sessionPolicy = c.sess.policy
	default:
		return nil, nil, true
	}
	for _, m := range atts {
		for _, at := range m {
			if !attachmentInEffect(at, now) {
				continue
			}
			p := s.lookupPolicy(c.acct, at.PolicyType, at.policyLower)
			if p == nil {
				continue
			}
			if v := p.defaultDoc(); v != nil {
				docs = append(docs, v.parsed)
			}
		}
	}
	return docs, sessionPolicy, true
}

// authorize checks that the caller may perform "<svc>:<Action>" on resource. Root may do anything in its
// own account. Caller holds s.mu.
func (rq *request) authorize(action, resource string) *apiError {
	c := rq.caller
	if c.kind == callerRoot {
		return nil
	}
	d := rq.s.decide(c, action, resource, rq.condCtx(), rq.now)
	if d == allowed {
		return nil
	}
	return rq.noPermission(action, d, "AccountLevelIdentityBasedPolicy", "You are not authorized to do this action.")
}

func (s *Server) decide(c *caller, action, resource string, ctx evalCtx, now time.Time) decision {
	docs, sessPol, ok := s.identityDocs(c, now)
	if !ok {
		return implicitDeny
	}
	d := evaluate(docs, action, resource, ctx)
	if d != allowed || sessPol == nil {
		return d
	}
	return evaluate([]*pdoc{sessPol}, action, resource, ctx)
}

func (rq *request) noPermission(action string, d decision, policyType, msg string) *apiError {
	c := rq.caller
	e := errf(http.StatusForbidden, "NoPermission", msg)
	pt := "SubUser"
	name := ""
	switch c.kind {
	case callerUser:
		name = c.user.Name + "@" + rq.s.aliasOrID(c.acct) + ".onaliyun.com"
	case callerSession:
		pt = "AssumedRoleUser"
		name = c.sess.RoleName + "/" + c.sess.SessionName
	default:
		pt = "Account"
		name = c.acct.ID
	}
	npt := "ImplicitDeny"
	if d == explicitDeny {
		npt = "ExplicitDeny"
	}
	e.Detail = map[string]string{
		"AuthAction":               action,
		"AuthPrincipalDisplayName": name,
		"AuthPrincipalOwnerId":     c.acct.ID,
		"AuthPrincipalType":        pt,
		"NoPermissionType":         npt,
		"PolicyType":               policyType,
		"EncodedDiagnosticMessage": "",
	}
	return e
}

func (s *Server) aliasOrID(a *account) string {
	if a.Alias != "" {
		return a.Alias
	}
	return a.ID
}
