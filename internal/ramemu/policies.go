package ramemu

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var versionIDRe = regexp.MustCompile(`^v[1-9][0-9]{0,8}$`)

func (rq *request) permissionDocParam(p string) (string, *pdoc, *apiError) {
	v, aerr := rq.required(p)
	if aerr != nil {
		return "", nil, aerr
	}
	if runeLen(v) > maxPolicyDocLen {
		return "", nil, errLength(p)
	}
	d, err := parsePolicy(v, permissionDoc)
	if err != nil {
		return "", nil, errMalformed(err.Error())
	}
	return v, d, nil
}

func (rq *request) versionIDParam() (string, *apiError) {
	v, aerr := rq.required("VersionId")
	if aerr != nil {
		return "", aerr
	}
	if !versionIDRe.MatchString(v) {
		return "", errFormat("VersionId")
	}
	return v, nil
}

// findPolicy resolves a policy of the given type; reads honour the consistency delay.
func (rq *request) findPolicy(ptype, name string, read bool) (*policy, *apiError) {
	p := rq.s.lookupPolicy(rq.caller.acct, ptype, name)
	if p == nil || (read && !visible(p.visibleAt, rq.now)) {
		return nil, errNotExist("Policy")
	}
	return p, nil
}

func (rq *request) policyOut(p *policy, withCount bool) policyJSON {
	out := policyJSON{
		PolicyName: p.Name, PolicyType: p.Type, Description: p.Description, DefaultVersion: p.DefaultVersion,
		CreateDate: fmtDate(p.Created), UpdateDate: fmtDate(p.Updated),
	}
	if withCount {
		n := rq.s.attachmentCount(rq.caller.acct, p, rq.now)
		out.AttachmentCount = &n
	}
	return out
}

func (rq *request) createPolicy() (any, *apiError) {
	name, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	doc, parsed, aerr := rq.permissionDocParam("PolicyDocument")
	if aerr != nil {
		return nil, aerr
	}
	desc, _, aerr := rq.optText("Description", 1024)
	if aerr != nil {
		return nil, aerr
	}
	tags, aerr := rq.createTags()
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:CreatePolicy", policyRes(a.ID, name)); aerr != nil {
		return nil, aerr
	}
	key := strings.ToLower(name)
	if a.policies[key] != nil || rq.s.system[key] != nil {
		return nil, errAlready("Policy")
	}
	if len(a.policies) >= maxCustomPolicies {
		return nil, errLimit("Policy")
	}
	p := &policy{
		Name: name, Type: "Custom", Description: desc, DefaultVersion: "v1", Created: rq.now, Updated: rq.now,
		versions: map[string]*policyVersion{"v1": {ID: "v1", num: 1, Doc: doc, parsed: parsed, Created: rq.now}},
		nextVer:  2, Tags: tags, seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now),
	}
	a.policies[key] = p
	out := policyJSON{PolicyName: name, PolicyType: "Custom", Description: desc, DefaultVersion: "v1", CreateDate: fmtDate(rq.now)}
	return map[string]any{"Policy": out}, nil
}

// readPolicy resolves PolicyName and PolicyType of a read of a system or custom policy, checked in RAM's
// order: parameters, policy, permission.
func (rq *request) readPolicy(action string) (*policy, *apiError) {
	name, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	ptype, aerr := rq.policyType(true)
	if aerr != nil {
		return nil, aerr
	}
	p, aerr := rq.findPolicy(ptype, name, true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize(action, policyRes(rq.caller.acct.ID, p.Name)); aerr != nil {
		return nil, aerr
	}
	return p, nil
}

func (rq *request) getPolicy() (any, *apiError) {
	p, aerr := rq.readPolicy("ram:GetPolicy")
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"Policy": rq.policyOut(p, true), "DefaultPolicyVersion": versionOut(p, p.defaultDoc())}, nil
}

func (rq *request) createPolicyVersion() (any, *apiError) {
	name, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	doc, parsed, aerr := rq.permissionDocParam("PolicyDocument")
	if aerr != nil {
		return nil, aerr
	}
	setDefault, aerr := rq.boolParam("SetAsDefault", false)
	if aerr != nil {
		return nil, aerr
	}
	rotate := false
	if v, ok := rq.param("RotateStrategy"); ok {
		switch v {
		case "None":
		case "DeleteOldestNonDefaultVersionWhenLimitExceeded":
			rotate = true
		default:
			return nil, errInvalid("RotateStrategy")
		}
	}
	p, aerr := rq.findPolicy("Custom", name, false)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:CreatePolicyVersion", policyRes(rq.caller.acct.ID, p.Name)); aerr != nil {
		return nil, aerr
	}
	if len(p.versions) >= maxPolicyVersions {
		if !rotate {
			return nil, errLimit("Policy.Version")
		}
		for _, v := range p.sortedVersions() {
			if v.ID != p.DefaultVersion {
				delete(p.versions, v.ID)
				break
			}
		}
	}
	v := &policyVersion{ID: "v" + strconv.Itoa(p.nextVer), num: p.nextVer, Doc: doc, parsed: parsed, Created: rq.now}
	p.nextVer++
	p.versions[v.ID] = v
	if setDefault {
		p.DefaultVersion = v.ID
	}
	p.Updated = rq.now
	return map[string]any{"PolicyVersion": versionOut(p, v)}, nil
}

func (rq *request) getPolicyVersion() (any, *apiError) {
	name, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	ptype, aerr := rq.policyType(true)
	if aerr != nil {
		return nil, aerr
	}
	vid, aerr := rq.versionIDParam()
	if aerr != nil {
		return nil, aerr
	}
	p, aerr := rq.findPolicy(ptype, name, true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:GetPolicyVersion", policyRes(rq.caller.acct.ID, p.Name)); aerr != nil {
		return nil, aerr
	}
	v := p.versions[vid]
	if v == nil {
		return nil, errNotExist("Policy.Version")
	}
	return map[string]any{"PolicyVersion": versionOut(p, v)}, nil
}

func (rq *request) listPolicyVersions() (any, *apiError) {
	p, aerr := rq.readPolicy("ram:ListPolicyVersions")
	if aerr != nil {
		return nil, aerr
	}
	items := []policyVersionJSON{}
	for _, v := range p.sortedVersions() {
		items = append(items, versionOut(p, v))
	}
	return map[string]any{"PolicyVersions": map[string]any{"PolicyVersion": items}}, nil
}

// customPolicyVersion resolves PolicyName and VersionId of a write to an existing version of a custom policy,
// checked in RAM's order: parameters, policy, permission, version.
func (rq *request) customPolicyVersion(action string) (*policy, string, *apiError) {
	name, aerr := rq.policyName()
	if aerr != nil {
		return nil, "", aerr
	}
	vid, aerr := rq.versionIDParam()
	if aerr != nil {
		return nil, "", aerr
	}
	p, aerr := rq.findPolicy("Custom", name, false)
	if aerr != nil {
		return nil, "", aerr
	}
	if aerr := rq.authorize(action, policyRes(rq.caller.acct.ID, p.Name)); aerr != nil {
		return nil, "", aerr
	}
	if p.versions[vid] == nil {
		return nil, "", errNotExist("Policy.Version")
	}
	return p, vid, nil
}

func (rq *request) deletePolicyVersion() (any, *apiError) {
	p, vid, aerr := rq.customPolicyVersion("ram:DeletePolicyVersion")
	if aerr != nil {
		return nil, aerr
	}
	if vid == p.DefaultVersion {
		return nil, errConflict("Policy.Version.Default")
	}
	delete(p.versions, vid)
	return nil, nil
}

func (rq *request) setDefaultPolicyVersion() (any, *apiError) {
	p, vid, aerr := rq.customPolicyVersion("ram:SetDefaultPolicyVersion")
	if aerr != nil {
		return nil, aerr
	}
	p.DefaultVersion = vid
	p.Updated = rq.now
	return nil, nil
}

func (rq *request) updatePolicyDescription() (any, *apiError) {
	name, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	desc, set, aerr := rq.optText("NewDescription", 1024)
	if aerr != nil {
		return nil, aerr
	}
	p, aerr := rq.findPolicy("Custom", name, false)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:UpdatePolicyDescription", policyRes(rq.caller.acct.ID, p.Name)); aerr != nil {
		return nil, aerr
	}
	if set {
		p.Description = desc
	}
	p.Updated = rq.now
	return map[string]any{"Policy": rq.policyOut(p, false)}, nil
}

func (rq *request) deletePolicy() (any, *apiError) {
	name, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	cascade, aerr := rq.boolParam("CascadingDelete", false)
	if aerr != nil {
		return nil, aerr
	}
	p, aerr := rq.findPolicy("Custom", name, false)
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:DeletePolicy", policyRes(a.ID, p.Name)); aerr != nil {
		return nil, aerr
	}
	if len(p.versions) > 1 && !cascade {
		return nil, errConflict("Policy.Version")
	}
	pk := policyKey("Custom", p.Name)
	var users, roles int
	for _, at := range a.polAttach[pk] {
		if at.PrincipalType == "User" {
			users++
		} else {
			roles++
		}
	}
	if users > 0 || a.policyRecentlyDetached("User", pk, rq.now) {
		return nil, errConflict("Policy.User")
	}
	if roles > 0 || a.policyRecentlyDetached("Role", pk, rq.now) {
		return nil, errConflict("Role.Policy")
	}
	delete(a.policies, strings.ToLower(p.Name))
	delete(a.polAttach, pk)
	return nil, nil
}

func (rq *request) listPolicies() (any, *apiError) {
	ptype, aerr := rq.policyType(false)
	if aerr != nil {
		return nil, aerr
	}
	pr, aerr := rq.pageParams()
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	if aerr := rq.authorize("ram:ListPolicies", "*"); aerr != nil {
		return nil, aerr
	}
	// Order: system policies first (fixed order), then custom ones by creation.
	const customBase = 1 << 32
	byKey := map[uint64]*policy{}
	var keys []uint64
	if ptype != "Custom" {
		for _, p := range rq.s.sysList {
			byKey[p.seq] = p
			keys = append(keys, p.seq)
		}
	}
	if ptype != "System" {
		for _, p := range a.policies {
			if visible(p.visibleAt, rq.now) {
				byKey[customBase+p.seq] = p
				keys = append(keys, customBase+p.seq)
			}
		}
	}
	start, end, marker := paginate(keys, pr)
	items := make([]policyJSON, 0, end-start)
	for _, k := range keys[start:end] {
		p := byKey[k]
		o := rq.policyOut(p, true)
		o.Tags = tagsOf(p.Tags)
		items = append(items, o)
	}
	return listResp(marker, "Policies", map[string]any{"Policy": items}), nil
}

func (rq *request) listEntitiesForPolicy() (any, *apiError) {
	p, aerr := rq.readPolicy("ram:ListEntitiesForPolicy")
	if aerr != nil {
		return nil, aerr
	}
	a := rq.caller.acct
	var atts []*attachment
	for _, at := range a.polAttach[policyKey(p.Type, p.Name)] {
		if visible(at.visibleAt, rq.now) {
			atts = append(atts, at)
		}
	}
	sort.Slice(atts, func(i, j int) bool { return atts[i].seq < atts[j].seq })
	users := []userJSON{}
	roles := []roleJSON{}
	for _, at := range atts {
		if u := at.user; u != nil {
			users = append(users, userJSON{UserId: u.ID, UserName: u.Name, DisplayName: u.DisplayName, AttachDate: fmtDate(at.AttachDate)})
		} else if r := at.role; r != nil {
			roles = append(roles, roleJSON{RoleId: r.ID, RoleName: r.Name, Arn: a.roleArn(r), Description: r.Description,
				MaxSessionDuration: r.MaxSession, CreateDate: fmtDate(r.Created), AttachDate: fmtDate(at.AttachDate)})
		}
	}
	return map[string]any{
		"Groups": map[string]any{"Group": []any{}},
		"Users":  map[string]any{"User": users},
		"Roles":  map[string]any{"Role": roles},
	}, nil
}
