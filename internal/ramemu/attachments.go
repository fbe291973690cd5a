package ramemu

import "time"

// Attaching policies to roles and users (groups are a third principal kind on the same code): a principalKind
// parses the principal's name parameter and finds it; attach, detach and listPoliciesFor are the actions.

// principal is a role, a user or a group as the attachment actions see it.
type principal struct {
	kind     string // "Role" | "User" | "Group": names the actions (AttachPolicyTo<kind>) and error codes (<kind>.Policy)
	id       string
	policies map[string]*attachment // policyKey -> attachment
	res      string                 // authorization resource
	role     *role                  // exactly one of role/user/group is set
	user     *user
	group    *group
}

// key names the principal in account.polAttach and account.detached.
func (p *principal) key() string { return p.kind + ":" + p.id }

// principalKind parses the request's principal name parameter (400) and finds the principal (404).
type principalKind func(rq *request, v view) *principal

func rolePrincipal(rq *request, v view) *principal {
	r := rq.findRole(rq.roleName(), v)
	if r == nil {
		return nil
	}
	return &principal{kind: "Role", id: r.ID, policies: r.policies, res: roleRes(rq.caller.acct.ID, r.Name), role: r}
}

func userPrincipal(rq *request, v view) *principal {
	u := rq.findUser(rq.userName(), v)
	if u == nil {
		return nil
	}
	return &principal{kind: "User", id: u.ID, policies: u.policies, res: userRes(rq.caller.acct.ID, u.Name), user: u}
}

// attach is AttachPolicyTo<kind>.
func attach(find principalKind) handlerFunc {
	return attachmentWrite(find, "ram:AttachPolicyTo", attachPolicy)
}

// detach is DetachPolicyFrom<kind>.
func detach(find principalKind) handlerFunc {
	return attachmentWrite(find, "ram:DetachPolicyFrom", detachPolicy)
}

// attachmentWrite resolves an attach or detach in RAM's order: PolicyType, PolicyName, the principal's name,
// the principal (404), the policy (404), permission on the principal (403); then it applies the change.
func attachmentWrite(find principalKind, action string, apply func(rq *request, pr *principal, p *policy, pk string) any) handlerFunc {
	return func(rq *request) any {
		ptype := rq.policyType(true)
		pname := rq.policyName()
		pr := find(rq, forWrite)
		p := rq.findPolicy(ptype, pname, forWrite)
		if rq.err != nil || !rq.allow(action+pr.kind, pr.res) {
			return nil
		}
		return apply(rq, pr, p, policyKey(p.Type, p.Name))
	}
}

func attachPolicy(rq *request, pr *principal, p *policy, pk string) any {
	if pr.policies[pk] != nil {
		return rq.fail(errAlready(pr.kind + ".Policy"))
	}
	n := 0
	for _, at := range pr.policies {
		if at.PolicyType == p.Type {
			n++
		}
	}
	if (p.Type == "Custom" && n >= maxCustomAttached) || (p.Type == "System" && n >= maxSystemAttached) {
		return rq.fail(errLimit(pr.kind + ".Policy"))
	}
	a := rq.caller.acct
	if m := a.detached[pr.key()]; m != nil {
		delete(m, pk)
	}
	a.addAttachment(pk, &attachment{
		PrincipalType: pr.kind, PrincipalID: pr.id, PolicyType: p.Type, policyLower: p.Name,
		role: pr.role, user: pr.user, group: pr.group, AttachDate: rq.now, visibleAt: rq.s.visibleAt(rq.now), seq: a.nextSeq(),
	})
	return nil
}

func (a *account) addAttachment(pk string, at *attachment) {
	switch {
	case at.role != nil:
		at.role.policies[pk] = at
	case at.user != nil:
		at.user.policies[pk] = at
	default:
		at.group.policies[pk] = at
	}
	m := a.polAttach[pk]
	if m == nil {
		m = map[string]*attachment{}
		a.polAttach[pk] = m
	}
	m[at.PrincipalType+":"+at.PrincipalID] = at
}

func detachPolicy(rq *request, pr *principal, _ *policy, pk string) any {
	if pr.policies[pk] == nil {
		return rq.fail(errNotExist(pr.kind + ".Policy"))
	}
	delete(pr.policies, pk)
	a := rq.caller.acct
	if d := rq.s.opts.ConsistencyDelay; d > 0 {
		if a.detached[pr.key()] == nil {
			a.detached[pr.key()] = map[string]time.Time{}
		}
		a.detached[pr.key()][pk] = rq.now.Add(d)
	}
	if m := a.polAttach[pk]; m != nil {
		delete(m, pr.key())
		if len(m) == 0 {
			delete(a.polAttach, pk)
		}
	}
	return nil
}

// listPoliciesFor is ListPoliciesFor<kind> (not paginated).
func listPoliciesFor(find principalKind) handlerFunc {
	return func(rq *request) any {
		pr := find(rq, forRead)
		if rq.err != nil || !rq.allow("ram:ListPoliciesFor"+pr.kind, pr.res) {
			return nil
		}
		items := []policyJSON{}
		for _, at := range readable(rq, pr.policies) {
			p := rq.s.lookupPolicy(rq.caller.acct, at.PolicyType, at.policyLower)
			if p == nil {
				continue
			}
			items = append(items, policyJSON{PolicyName: p.Name, PolicyType: p.Type, Description: p.Description,
				DefaultVersion: p.DefaultVersion, AttachDate: fmtDate(at.AttachDate)})
		}
		return map[string]any{"Policies": map[string]any{"Policy": items}}
	}
}
