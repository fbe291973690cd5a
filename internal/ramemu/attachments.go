package ramemu

import (
	"sort"
	"time"
)

// principalRef abstracts over roles and users for the attachment actions.
type principalRef struct {
	kind     string // "Role" | "User"
	id, name string
	policies map[string]*attachment
	res      string
	role     *role
	user     *user
}

func (rq *request) findPrincipal(kind string, read bool) (*principalRef, *apiError) {
	a := rq.caller.acct
	if kind == "Role" {
		name, aerr := rq.roleName()
		if aerr != nil {
			return nil, aerr
		}
		r, aerr := rq.findRole(name, read)
		if aerr != nil {
			return nil, aerr
		}
		return &principalRef{kind: kind, id: r.ID, name: r.Name, policies: r.policies, res: roleRes(a.ID, r.Name), role: r}, nil
	}
	name, aerr := rq.userName()
	if aerr != nil {
		return nil, aerr
	}
	u, aerr := rq.findUser(name, read)
	if aerr != nil {
		return nil, aerr
	}
	return &principalRef{kind: kind, id: u.ID, name: u.Name, policies: u.policies, res: userRes(a.ID, u.Name), user: u}, nil
}

func (rq *request) attach(kind string) (any, *apiError) {
	ptype, aerr := rq.policyType(true)
	if aerr != nil {
		return nil, aerr
	}
	pname, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	pr, aerr := rq.findPrincipal(kind, false)
	if aerr != nil {
		return nil, aerr
	}
	p, aerr := rq.findPolicy(ptype, pname, false)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:AttachPolicyTo"+kind, pr.res); aerr != nil {
		return nil, aerr
	}
	pk := policyKey(p.Type, p.Name)
	if pr.policies[pk] != nil {
		return nil, errAlready(kind + ".Policy")
	}
	n := 0
	for _, at := range pr.policies {
		if at.PolicyType == p.Type {
			n++
		}
	}
	if (p.Type == "Custom" && n >= maxCustomAttached) || (p.Type == "System" && n >= maxSystemAttached) {
		return nil, errLimit(kind + ".Policy")
	}
	a := rq.caller.acct
	if m := a.detached[kind+":"+pr.id]; m != nil {
		delete(m, pk)
	}
	at := &attachment{
		PrincipalType: kind, PrincipalID: pr.id, PolicyType: p.Type, policyLower: p.Name,
		role: pr.role, user: pr.user, AttachDate: rq.now, visibleAt: rq.s.visibleAt(rq.now), seq: a.nextSeq(),
	}
	a.addAttachment(pk, at)
	return nil, nil
}

func (a *account) addAttachment(pk string, at *attachment) {
	if at.role != nil {
		at.role.policies[pk] = at
	} else {
		at.user.policies[pk] = at
	}
	m := a.polAttach[pk]
	if m == nil {
		m = map[string]*attachment{}
		a.polAttach[pk] = m
	}
	m[at.PrincipalType+":"+at.PrincipalID] = at
}

func (rq *request) detach(kind string) (any, *apiError) {
	ptype, aerr := rq.policyType(true)
	if aerr != nil {
		return nil, aerr
	}
	pname, aerr := rq.policyName()
	if aerr != nil {
		return nil, aerr
	}
	pr, aerr := rq.findPrincipal(kind, false)
	if aerr != nil {
		return nil, aerr
	}
	p, aerr := rq.findPolicy(ptype, pname, false)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:DetachPolicyFrom"+kind, pr.res); aerr != nil {
		return nil, aerr
	}
	pk := policyKey(p.Type, p.Name)
	if pr.policies[pk] == nil {
		return nil, errNotExist(kind + ".Policy")
	}
	delete(pr.policies, pk)
	a := rq.caller.acct
	if d := rq.s.opts.ConsistencyDelay; d > 0 {
		key := kind + ":" + pr.id
		if a.detached[key] == nil {
			a.detached[key] = map[string]time.Time{}
		}
		a.detached[key][pk] = rq.now.Add(d)
	}
	if m := a.polAttach[pk]; m != nil {
		delete(m, kind+":"+pr.id)
		if len(m) == 0 {
			delete(a.polAttach, pk)
		}
	}
	return nil, nil
}

func (rq *request) listFor(kind string) (any, *apiError) {
	pr, aerr := rq.findPrincipal(kind, true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := rq.authorize("ram:ListPoliciesFor"+kind, pr.res); aerr != nil {
		return nil, aerr
	}
	atts := make([]*attachment, 0, len(pr.policies))
	for _, at := range pr.policies {
		if visible(at.visibleAt, rq.now) {
			atts = append(atts, at)
		}
	}
	sort.Slice(atts, func(i, j int) bool { return atts[i].seq < atts[j].seq })
	items := make([]policyJSON, 0, len(atts))
	for _, at := range atts {
		p := rq.s.lookupPolicy(rq.caller.acct, at.PolicyType, at.policyLower)
		if p == nil {
			continue
		}
		items = append(items, policyJSON{PolicyName: p.Name, PolicyType: p.Type, Description: p.Description,
			DefaultVersion: p.DefaultVersion, AttachDate: fmtDate(at.AttachDate)})
	}
	return map[string]any{"Policies": map[string]any{"Policy": items}}, nil
}

func (rq *request) attachPolicyToRole() (any, *apiError)   { return rq.attach("Role") }
func (rq *request) detachPolicyFromRole() (any, *apiError) { return rq.detach("Role") }
func (rq *request) listPoliciesForRole() (any, *apiError)  { return rq.listFor("Role") }
func (rq *request) attachPolicyToUser() (any, *apiError)   { return rq.attach("User") }
func (rq *request) detachPolicyFromUser() (any, *apiError) { return rq.detach("User") }
func (rq *request) listPoliciesForUser() (any, *apiError)  { return rq.listFor("User") }
