package ramemu

import (
	"strconv"
	"strings"
)

func (rq *request) sessionDuration(p string) (int64, bool, *apiError) {
	v, ok := rq.param(p)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 3600 || n > 43200 {
		return 0, false, errRange(p)
	}
	return n, true, nil
}

func (rq *request) trustDocParam(p string, required bool) (string, *pdoc, *apiError) {
	v, ok := rq.param(p)
	if !ok {
		if required {
			return "", nil, errMissing(p)
		}
		return "", nil, nil
	}
	if runeLen(v) > maxTrustDocLen {
		return "", nil, errLength(p)
	}
	d, err := parsePolicy(v, trustDoc)
	if err != nil {
		return "", nil, errMalformed(err.Error())
	}
	return v, d, nil
}

func (rq *request) createRole() (any, *apiError) {
	name, aerr := rq.roleName()
	if aerr != nil {
		return nil, aerr
	}
	doc, parsed, aerr := rq.trustDocParam("AssumeRolePolicyDocument", true)
	if aerr != nil {
		return nil, aerr
	}
	desc, _, aerr := rq.optText("Description", 1024)
	if aerr != nil {
		return nil, aerr
	}
	maxSess, set, aerr := rq.sessionDuration("MaxSessionDuration")
	if aerr != nil {
		return nil, aerr
	}
	if !set {
		maxSess = 3600
	}
	tags, aerr := rq.createTags()
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:CreateRole", roleRes(a.ID, name)); aerr != nil {
		return nil, aerr
	}
	key := strings.ToLower(name)
	if a.roles[key] != nil {
		return nil, errAlready("Role")
	}
	if len(a.roles) >= maxRoles {
		return nil, errLimit("Role")
	}
	r := &role{
		Name: name, ID: a.newNumericID(), Description: desc, TrustDoc: doc, trust: parsed, MaxSession: maxSess,
		Created: rq.now, Updated: rq.now, Tags: tags, policies: map[string]*attachment{},
		seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now),
	}
	a.roles[key] = r
	return map[string]any{"Role": a.roleOut(r, true, false)}, nil
}

// findRole resolves a role for a read (honours the consistency delay) or a write.
func (rq *request) findRole(name string, read bool) (*role, *apiError) {
	r := rq.caller.acct.roles[strings.ToLower(name)]
	if r == nil || (read && !visible(r.visibleAt, rq.now)) {
		return nil, errNotExist("Role")
	}
	return r, nil
}

func (rq *request) getRole() (any, *apiError) {
	name, aerr := rq.roleName()
	if aerr != nil {
		return nil, aerr
	}
	r, aerr := rq.findRole(name, true)
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:GetRole", roleRes(a.ID, r.Name)); aerr != nil {
		return nil, aerr
	}
	return getRoleResp{Role: a.roleOut(r, true, true)}, nil
}

type getRoleResp struct {
	Role roleJSON `json:"Role"`
}

func (rq *request) updateRole() (any, *apiError) {
	name, aerr := rq.roleName()
	if aerr != nil {
		return nil, aerr
	}
	doc, parsed, aerr := rq.trustDocParam("NewAssumeRolePolicyDocument", false)
	if aerr != nil {
		return nil, aerr
	}
	desc, descSet, aerr := rq.optText("NewDescription", 1024)
	if aerr != nil {
		return nil, aerr
	}
	maxSess, maxSet, aerr := rq.sessionDuration("NewMaxSessionDuration")
	if aerr != nil {
		return nil, aerr
	}
	r, aerr := rq.findRole(name, false)
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:UpdateRole", roleRes(a.ID, r.Name)); aerr != nil {
		return nil, aerr
	}
	if parsed != nil {
		r.TrustDoc, r.trust = doc, parsed
	}
	if descSet {
		r.Description = desc
	}
	if maxSet {
		r.MaxSession = maxSess
	}
	r.Updated = rq.now
	return map[string]any{"Role": a.roleOut(r, true, true)}, nil
}

func (rq *request) deleteRole() (any, *apiError) {
	name, aerr := rq.roleName()
	if aerr != nil {
		return nil, aerr
	}
	r, aerr := rq.findRole(name, false)
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:DeleteRole", roleRes(a.ID, r.Name)); aerr != nil {
		return nil, aerr
	}
	if len(r.policies) > 0 || a.recentlyDetached("Role:"+r.ID, "", rq.now) {
		return nil, errConflict("Role.Policy")
	}
	delete(a.roles, strings.ToLower(r.Name))
	// Outstanding STS tokens of this role fail their role-ID check from now on.
	return nil, nil
}

func (rq *request) listRoles() (any, *apiError) {
	pr, aerr := rq.pageParams()
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:ListRoles", "*"); aerr != nil {
		return nil, aerr
	}
	bySeq := map[uint64]*role{}
	keys := make([]uint64, 0, len(a.roles))
	for _, r := range a.roles {
		if visible(r.visibleAt, rq.now) {
			bySeq[r.seq] = r
			keys = append(keys, r.seq)
		}
	}
	start, end, marker := paginate(keys, pr)
	items := make([]roleJSON, 0, end-start)
	for _, k := range keys[start:end] {
		r := bySeq[k]
		o := a.roleOut(r, false, true)
		o.Tags = tagsOf(r.Tags)
		items = append(items, o)
	}
	return listResp(marker, "Roles", map[string]any{"Role": items}), nil
}

func listResp(marker, key string, inner any) map[string]any {
	out := map[string]any{"IsTruncated": marker != "", key: inner}
	if marker != "" {
		out["Marker"] = marker
	}
	return out
}
