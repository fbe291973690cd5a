package ramemu

import (
	"regexp"
	"strconv"
	"strings"
)

var versionIDRe = regexp.MustCompile(`^v[1-9][0-9]{0,8}$`)

// permissionPolicy returns a mandatory permission policy parameter and its parsed form.
func (rq *request) permissionPolicy(p string) (string, *pdoc) {
	return rq.document(p, permissionDoc, maxPolicyDocLen, true)
}

// document returns a policy document parameter of at most maxLen characters and its parsed form (nil when
// optional and absent).
func (rq *request) document(p string, kind docKind, maxLen int, required bool) (string, *pdoc) {
	if rq.err != nil {
		return "", nil
	}
	v, ok := rq.param(p)
	if !ok {
		if required {
			rq.check(errMissing(p))
		}
		return "", nil
	}
	if !rq.check(maxLenErr(p, v, maxLen)) {
		return "", nil
	}
	d, err := parsePolicy(v, kind)
	if err != nil {
		rq.check(errMalformed(err.Error()))
		return "", nil
	}
	return v, d
}

func (rq *request) versionID() string {
	v := rq.mandatory("VersionId")
	if rq.err == nil && !versionIDRe.MatchString(v) {
		rq.check(errFormat("VersionId"))
	}
	return v
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

func (rq *request) createPolicy() any {
	name := rq.policyName()
	doc, parsed := rq.permissionPolicy("PolicyDocument")
	desc, _ := rq.text("Description", 1024)
	tags := rq.createTags()
	a, key := rq.caller.acct, strings.ToLower(name)
	taken := a.policies[key] != nil || rq.s.system[key] != nil
	if !rq.creatable("ram:CreatePolicy", policyRes(a.ID, name), "Policy", taken, len(a.policies), maxCustomPolicies) {
		return nil
	}
	rq.addSystemTags(tags)
	p := &policy{
		Name: name, Type: "Custom", Description: desc, DefaultVersion: "v1", Created: rq.now, Updated: rq.now,
		versions: map[string]*policyVersion{"v1": {ID: "v1", num: 1, Doc: doc, parsed: parsed, Created: rq.now}},
		nextVer:  2, Tags: tags, seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now),
	}
	a.policies[key] = p
	out := policyJSON{PolicyName: name, PolicyType: "Custom", Description: desc, DefaultVersion: "v1", CreateDate: fmtDate(rq.now)}
	return map[string]any{"Policy": out}
}

// readPolicy resolves PolicyName and PolicyType of a read of a system or custom policy, checked in RAM's
// order: parameters, policy, permission.
func (rq *request) readPolicy(action string) *policy {
	name := rq.policyName()
	return rq.policy(rq.policyType(true), name, action, forRead)
}

func (rq *request) getPolicy() any {
	p := rq.readPolicy("ram:GetPolicy")
	if rq.err != nil {
		return nil
	}
	return map[string]any{"Policy": rq.policyOut(p, true), "DefaultPolicyVersion": versionOut(p, p.defaultDoc())}
}

func (rq *request) createPolicyVersion() any {
	name := rq.policyName()
	doc, parsed := rq.permissionPolicy("PolicyDocument")
	setDefault := rq.flag("SetAsDefault", false)
	rotate := false
	switch v, _ := rq.param("RotateStrategy"); v {
	case "", "None":
	case "DeleteOldestNonDefaultVersionWhenLimitExceeded":
		rotate = true
	default:
		rq.check(errInvalid("RotateStrategy"))
	}
	p := rq.policy("Custom", name, "ram:CreatePolicyVersion", forWrite)
	if rq.err != nil {
		return nil
	}
	if len(p.versions) >= maxPolicyVersions {
		if !rotate {
			return rq.fail(errLimit("Policy.Version"))
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
	return map[string]any{"PolicyVersion": versionOut(p, v)}
}

func (rq *request) getPolicyVersion() any {
	name := rq.policyName()
	ptype := rq.policyType(true)
	vid := rq.versionID()
	p := rq.policy(ptype, name, "ram:GetPolicyVersion", forRead)
	if rq.err != nil {
		return nil
	}
	v := p.versions[vid]
	if v == nil {
		return rq.fail(errNotExist("Policy.Version"))
	}
	return map[string]any{"PolicyVersion": versionOut(p, v)}
}

func (rq *request) listPolicyVersions() any {
	p := rq.readPolicy("ram:ListPolicyVersions")
	if rq.err != nil {
		return nil
	}
	items := []policyVersionJSON{}
	for _, v := range p.sortedVersions() {
		items = append(items, versionOut(p, v))
	}
	return map[string]any{"PolicyVersions": map[string]any{"PolicyVersion": items}}
}

// customPolicyVersion resolves PolicyName and VersionId of a write to an existing version of a custom policy,
// checked in RAM's order: parameters, policy, permission, version.
func (rq *request) customPolicyVersion(action string) (*policy, string) {
	name := rq.policyName()
	vid := rq.versionID()
	p := rq.policy("Custom", name, action, forWrite)
	if p != nil && p.versions[vid] == nil {
		rq.check(errNotExist("Policy.Version"))
		return nil, ""
	}
	return p, vid
}

func (rq *request) deletePolicyVersion() any {
	p, vid := rq.customPolicyVersion("ram:DeletePolicyVersion")
	if rq.err != nil {
		return nil
	}
	if vid == p.DefaultVersion {
		return rq.fail(errConflict("Policy.Version.Default"))
	}
	delete(p.versions, vid)
	return nil
}

func (rq *request) setDefaultPolicyVersion() any {
	p, vid := rq.customPolicyVersion("ram:SetDefaultPolicyVersion")
	if rq.err != nil {
		return nil
	}
	p.DefaultVersion = vid
	p.Updated = rq.now
	return nil
}

func (rq *request) updatePolicyDescription() any {
	name := rq.policyName()
	desc, set := rq.clearable("NewDescription", 1024)
	p := rq.policy("Custom", name, "ram:UpdatePolicyDescription", forWrite)
	if rq.err != nil {
		return nil
	}
	if set {
		p.Description = desc
	}
	p.Updated = rq.now
	return map[string]any{"Policy": rq.policyOut(p, false)}
}

func (rq *request) deletePolicy() any {
	name := rq.policyName()
	cascade := rq.flag("CascadingDelete", false)
	p := rq.policy("Custom", name, "ram:DeletePolicy", forWrite)
	if rq.err != nil {
		return nil
	}
	if len(p.versions) > 1 && !cascade {
		return rq.fail(errConflict("Policy.Version"))
	}
	a := rq.caller.acct
	pk := policyKey("Custom", p.Name)
	var users, groups, roles int
	for _, at := range a.polAttach[pk] {
		switch at.PrincipalType {
		case "User":
			users++
		case "Group":
			groups++
		default:
			roles++
		}
	}
	if users > 0 || a.policyRecentlyDetached("User", pk, rq.now) {
		return rq.fail(errConflict("Policy.User"))
	}
	if groups > 0 || a.policyRecentlyDetached("Group", pk, rq.now) {
		return rq.fail(errConflict("Policy.Group"))
	}
	if roles > 0 || a.policyRecentlyDetached("Role", pk, rq.now) {
		return rq.fail(errConflict("Role.Policy"))
	}
	delete(a.policies, strings.ToLower(p.Name))
	delete(a.polAttach, pk)
	return nil
}

func (rq *request) listPolicies() any {
	ptype := rq.policyType(false)
	filter, _ := rq.tagList()
	pr := rq.listPage("ram:ListPolicies")
	var all []*policy
	if ptype != "Custom" {
		all = rq.s.sysList
	}
	if ptype != "System" {
		all = append(all[:len(all):len(all)], readable(rq, rq.caller.acct.policies)...)
	}
	return markerList(rq, pr, tagged(all, policyTags, filter), rq.listedPolicy, "Policies", "Policy")
}

// listedPolicy is a policy as ListPolicies shows it: with its attachment count and tags.
func (rq *request) listedPolicy(p *policy) policyJSON {
	o := rq.policyOut(p, true)
	o.Tags = tagsOf(p.Tags)
	return o
}

func (rq *request) listEntitiesForPolicy() any {
	p := rq.readPolicy("ram:ListEntitiesForPolicy")
	if rq.err != nil {
		return nil
	}
	a := rq.caller.acct
	groups := []groupJSON{}
	users := []userJSON{}
	roles := []roleJSON{}
	for _, at := range readable(rq, a.polAttach[policyKey(p.Type, p.Name)]) {
		if g := at.group; g != nil {
			groups = append(groups, groupJSON{GroupName: g.Name, Comments: g.Comments, AttachDate: fmtDate(at.AttachDate)})
		} else if u := at.user; u != nil {
			users = append(users, userJSON{UserId: u.ID, UserName: u.Name, DisplayName: u.DisplayName, AttachDate: fmtDate(at.AttachDate)})
		} else if r := at.role; r != nil {
			roles = append(roles, roleJSON{RoleId: r.ID, RoleName: r.Name, Arn: a.roleArn(r), Description: r.Description,
				MaxSessionDuration: r.MaxSession, CreateDate: fmtDate(r.Created), AttachDate: fmtDate(at.AttachDate)})
		}
	}
	return map[string]any{
		"Groups": map[string]any{"Group": groups},
		"Users":  map[string]any{"User": users},
		"Roles":  map[string]any{"Role": roles},
	}
}
