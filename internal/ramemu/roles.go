package ramemu

import (
	"strconv"
	"strings"
)

// sessionDuration returns an optional MaxSessionDuration-style parameter (3600..43200 s), and whether it was given.
func (rq *request) sessionDuration(p string) (int64, bool) {
	v, ok := rq.param(p)
	if !ok || rq.err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 3600 || n > 43200 {
		return 0, rq.check(errRange(p))
	}
	return n, true
}

// trustPolicy returns a trust policy parameter and its parsed form (nil when optional and absent).
func (rq *request) trustPolicy(p string, required bool) (string, *pdoc) {
	return rq.document(p, trustDoc, maxTrustDocLen, required)
}

func (rq *request) createRole() any {
	name := rq.roleName()
	doc, parsed := rq.trustPolicy("AssumeRolePolicyDocument", true)
	desc, _ := rq.text("Description", 1024)
	maxSess, set := rq.sessionDuration("MaxSessionDuration")
	tags := rq.createTags()
	a, key := rq.caller.acct, strings.ToLower(name)
	if !rq.creatable("ram:CreateRole", roleRes(a.ID, name), "Role", a.roles[key] != nil, len(a.roles), maxRoles) {
		return nil
	}
	if !set {
		maxSess = 3600
	}
	rq.addSystemTags(tags)
	r := &role{
		Name: name, ID: a.newNumericID(), Description: desc, TrustDoc: doc, trust: parsed, MaxSession: maxSess,
		Created: rq.now, Updated: rq.now, Tags: tags, policies: map[string]*attachment{},
		seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now),
	}
	rq.s.setTrust(r, doc, parsed, rq.now, true)
	a.roles[key] = r
	return map[string]any{"Role": a.roleOut(r, true, false)}
}

func (rq *request) getRole() any {
	r := rq.role(rq.roleName(), "ram:GetRole", forRead)
	if rq.err != nil {
		return nil
	}
	return getRoleResp{Role: rq.caller.acct.roleOut(r, true, true)}
}

type getRoleResp struct {
	Role roleJSON `json:"Role"`
}

func (rq *request) updateRole() any {
	name := rq.roleName()
	doc, parsed := rq.trustPolicy("NewAssumeRolePolicyDocument", false)
	desc, descSet := rq.clearable("NewDescription", 1024)
	maxSess, maxSet := rq.sessionDuration("NewMaxSessionDuration")
	r := rq.role(name, "ram:UpdateRole", forWrite)
	if rq.err != nil {
		return nil
	}
	if parsed != nil {
		rq.s.setTrust(r, doc, parsed, rq.now, false)
	}
	if descSet {
		r.Description = desc
	}
	if maxSet {
		r.MaxSession = maxSess
	}
	r.Updated = rq.now
	return map[string]any{"Role": rq.caller.acct.roleOut(r, true, true)}
}

func (rq *request) deleteRole() any {
	// Outstanding STS tokens of this role fail their role-ID check from now on.
	return deleteUnlessHeld(rq, rq.caller.acct.roles, rq.role(rq.roleName(), "ram:DeleteRole", forWrite),
		conflict[*role]{"Role.Policy", func(r *role, a *account) bool {
			return len(r.policies) > 0 || a.recentlyDetached("Role:"+r.ID, "", rq.now)
		}})
}

func (rq *request) listRoles() any {
	filter, _ := rq.tagList()
	pr := rq.listPage("ram:ListRoles")
	roles := tagged(readable(rq, rq.caller.acct.roles), roleTags, filter)
	return markerList(rq, pr, roles, rq.listedRole, "Roles", "Role")
}

// listedRole is a role as ListRoles shows it: without its trust policy, with its tags.
func (rq *request) listedRole(r *role) roleJSON {
	o := rq.caller.acct.roleOut(r, false, true)
	o.Tags = tagsOf(r.Tags)
	return o
}
