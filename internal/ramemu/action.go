package ramemu

// How an action is written (see also doc.go).
//
// A handler is a func(*request) any, listed in the route table (server.go) as reads(...) or writes(...);
// writes run under the state's write lock and are persisted before the answer goes out. A handler reads top
// to bottom in RAM's order of checks: parameters (400), the entity (404), the caller's permission (403), then
// conflicts and limits (409); it mutates only once all of them passed.
//
// Every check records its failure on the request (rq.err), and every helper is a no-op once one has failed,
// so the first failure wins without an "if err" after each parameter. A handler tests rq.err once, after its
// last check and before it changes anything or uses a lookup's result:
//
//	func (rq *request) updateRole() any {
//		name := rq.roleName()                            // 400s, in parameter order
//		desc, descSet := rq.text("NewDescription", 1024)
//		r := rq.role(name, "ram:UpdateRole", forWrite)    // 404, then 403
//		if rq.err != nil {
//			return nil
//		}
//		if conflict {
//			return rq.fail(errConflict("Role.Policy"))   // 409
//		}
//		... mutate r ...
//		return map[string]any{"Role": ...}               // a nil answer is just the RequestId
//	}
//
// Parameters: param (raw), mandatory, flag, text, clearable (an Update's optional field, cleared when sent
// empty), name and the typed roleName/userName/policyName/policyType, page (MaxItems/Marker),
// tagList/createTags/stringArray (tags.go), password (users.go).
// Lookups role, user and policy take the parsed name, find the entity as the view says (forRead honours the
// consistency delay, forWrite sees the truth) and authorize the action on its resource ARN. Where RAM checks
// two entities' existence before permission (attachments), use findRole/findUser/findPolicy, then allow.
// Creates: creatable (permission, then name taken, then limit). Lists: listPage (MaxItems, Marker, permission
// on "*"), readable (what a read sees now, in creation order) and markerList (the Marker-paginated answer).
// Attachments to a principal kind: attach, detach and listPoliciesFor over a principalKind (attachments.go).
// Updates: newName parses a rename, renamed re-keys the entity. Deletes: deleteUnlessHeld after the lookup,
// with the conflicts in RAM's order. What a user holds: userHolding (the login profile, the MFA device).

import (
	"regexp"
	"sort"
	"strings"
	"time"
)

// view says what a lookup sees: reads honour the consistency delay (an entity created less than the delay
// ago is not found yet), writes see the truth.
type view bool

const (
	forWrite view = false
	forRead  view = true
)

// sees reports whether an entity replicated at visibleAt is seen by a lookup of view v.
func (rq *request) sees(visibleAt time.Time, v view) bool {
	return v == forWrite || visible(visibleAt, rq.now)
}

// check records e as the request's failure unless an earlier check failed; it reports whether the request is
// still sound (no failure recorded).
func (rq *request) check(e *apiError) bool {
	if rq.err == nil {
		rq.err = e
	}
	return rq.err == nil
}

// fail records e (unless an earlier check failed) and returns the nil answer, for `return rq.fail(...)`.
func (rq *request) fail(e *apiError) any {
	rq.check(e)
	return nil
}

// allow authorizes the caller for action on resource (403 NoPermission otherwise).
func (rq *request) allow(action, resource string) bool {
	return rq.err == nil && rq.check(rq.authorize(action, resource))
}

// creatable checks the creation of a <kind> in RAM's order: permission for action on the new entity's resource
// (403), its name not taken (409 EntityAlreadyExists.<kind>), fewer than limit of them (409 LimitExceeded.<kind>).
func (rq *request) creatable(action, resource, kind string, taken bool, count, limit int) bool {
	switch {
	case !rq.allow(action, resource):
	case taken:
		rq.check(errAlready(kind))
	case count >= limit:
		rq.check(errLimit(kind))
	}
	return rq.err == nil
}

// --- typed lookups: 404 if not found, then 403 if not allowed ---

// entity is a role, user or policy: a record with a resource ARN that actions on it are authorized against.
type entity interface {
	record
	resource(acct string) string
}

func (r *role) resource(acct string) string   { return roleRes(acct, r.Name) }
func (u *user) resource(acct string) string   { return userRes(acct, u.Name) }
func (p *policy) resource(acct string) string { return policyRes(acct, p.Name) }

// found returns e if it exists (ok) and a lookup of view v sees it; otherwise it records EntityNotExist.<kind>.
func found[E record](rq *request, e E, ok bool, v view, kind string) E {
	var none E
	if rq.err != nil {
		return none
	}
	if !ok || !rq.sees(e.visibleFrom(), v) {
		rq.check(errNotExist(kind))
		return none
	}
	return e
}

// authorized returns e, found before, if the caller may perform action on it (403 NoPermission otherwise).
func authorized[E entity](rq *request, e E, action string) E {
	var none E
	if rq.err != nil || !rq.allow(action, e.resource(rq.caller.acct.ID)) {
		return none
	}
	return e
}

// findRole finds a role of the caller's account by name (404 EntityNotExist.Role).
func (rq *request) findRole(name string, v view) *role {
	r, ok := rq.caller.acct.roles[strings.ToLower(name)]
	return found(rq, r, ok, v, "Role")
}

// findUser finds a RAM user of the caller's account by name (404 EntityNotExist.User).
func (rq *request) findUser(name string, v view) *user {
	u, ok := rq.caller.acct.users[strings.ToLower(name)]
	return found(rq, u, ok, v, "User")
}

// findPolicy finds a policy of type ptype ("System" | "Custom") by name (404 EntityNotExist.Policy).
func (rq *request) findPolicy(ptype, name string, v view) *policy {
	p := rq.s.lookupPolicy(rq.caller.acct, ptype, name)
	return found(rq, p, p != nil, v, "Policy")
}

// role, user and policy find the entity and authorize action on it.
func (rq *request) role(name, action string, v view) *role {
	return authorized(rq, rq.findRole(name, v), action)
}

func (rq *request) user(name, action string, v view) *user {
	return authorized(rq, rq.findUser(name, v), action)
}

func (rq *request) policy(ptype, name, action string, v view) *policy {
	return authorized(rq, rq.findPolicy(ptype, name, v), action)
}

// --- list answers ---

// record is a role, user, policy or attachment as List actions see it: ordered by creation, and seen by reads
// once replicated.
type record interface {
	order() uint64
	visibleFrom() time.Time
}

func (r *role) order() uint64                 { return r.seq }
func (r *role) visibleFrom() time.Time        { return r.visibleAt }
func (u *user) order() uint64                 { return u.seq }
func (u *user) visibleFrom() time.Time        { return u.visibleAt }
func (at *attachment) order() uint64          { return at.seq }
func (at *attachment) visibleFrom() time.Time { return at.visibleAt }

// order puts system policies (in their catalogue order) before custom ones (in creation order).
func (p *policy) order() uint64 {
	if p.Type == "System" {
		return p.seq
	}
	return 1<<32 + p.seq
}
func (p *policy) visibleFrom() time.Time { return p.visibleAt }

// readable returns the records of m a read sees now, in order.
func readable[R record](rq *request, m map[string]R) []R {
	out := make([]R, 0, len(m))
	for _, r := range m {
		if visible(r.visibleFrom(), rq.now) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].order() < out[j].order() })
	return out
}

// listPage takes the MaxItems and Marker parameters of a List action and authorizes action on "*".
func (rq *request) listPage(action string) pageReq {
	pr := rq.page()
	rq.allow(action, "*")
	return pr
}

// markerList answers a Marker-paginated List action over records, in order, as
// {"IsTruncated": ..., "Marker": ..., outer: {inner: [render(r), ...]}}; nil if a check failed.
func markerList[R record, J any](rq *request, pr pageReq, records []R, render func(R) J, outer, inner string) any {
	if rq.err != nil {
		return nil
	}
	less := func(i, j int) bool { return records[i].order() < records[j].order() }
	if !sort.SliceIsSorted(records, less) {
		records = append([]R(nil), records...) // the caller's slice may be shared state
		sort.Slice(records, less)
	}
	start := sort.Search(len(records), func(i int) bool { return records[i].order() >= pr.after })
	end, marker := len(records), ""
	if start+pr.max < end {
		end = start + pr.max
		marker = encodeMarker(records[end].order())
	}
	items := make([]J, 0, end-start)
	for _, r := range records[start:end] {
		items = append(items, render(r))
	}
	return listResp(marker, outer, map[string]any{inner: items})
}

func listResp(marker, key string, inner any) map[string]any {
	out := map[string]any{"IsTruncated": marker != "", key: inner}
	if marker != "" {
		out["Marker"] = marker
	}
	return out
}

// --- the pieces of an Update and of a lookup through a user ---

// newName parses an Update's optional rename parameter p (checked like a create's name: at most 64
// characters of re); set says whether it was sent.
func (rq *request) newName(p string, re *regexp.Regexp) (name string, set bool) {
	name, set = rq.param(p)
	if set && rq.err == nil {
		rq.check(checkName(p, name, 64, re))
	}
	return name, set
}

// renamed re-keys e, held in m (an account's entities by lower-case name) under *name, as newName, and
// reports whether it did: another entity holding the name fails the request with 409
// EntityAlreadyExists.<kind> (RAM compares names without regard to case; a change of case is a rename).
func renamed[E comparable](rq *request, m map[string]E, e E, name *string, newName, kind string) bool {
	var none E
	nk := strings.ToLower(newName)
	if other := m[nk]; other != none && other != e {
		return rq.check(errAlready(kind))
	}
	delete(m, strings.ToLower(*name))
	*name = newName
	m[nk] = e
	return true
}

// holding is something a user holds that some actions require: its name in RAM's 404
// (EntityNotExist.<kind>) and whether a user has it.
type holding struct {
	kind string
	has  func(u *user) bool
}

var (
	heldLoginProfile = holding{"User.LoginProfile", func(u *user) bool { return u.login != nil }}
	heldMFADevice    = holding{"User.MFADevice", func(u *user) bool { return u.mfa != nil }}
)

// userHolding finds the user of the request's UserName, authorizes action on it and requires that it holds
// h (404 EntityNotExist.<h.kind> otherwise).
func (rq *request) userHolding(h holding, action string, v view) *user {
	u := rq.user(rq.userName(), action, v)
	if u != nil && !h.has(u) {
		rq.check(errNotExist(h.kind))
		return nil
	}
	return u
}

// conflict is one thing that blocks the delete of an E: RAM's 409 DeleteConflict.<kind> while holds says
// so of the entity in its account.
type conflict[E any] struct {
	kind  string
	holds func(e E, a *account) bool
}

// keyed is an entity an account holds in a map by its lower-case name.
type keyed interface{ key() string }

func (r *role) key() string  { return strings.ToLower(r.Name) }
func (u *user) key() string  { return strings.ToLower(u.Name) }
func (g *group) key() string { return strings.ToLower(g.Name) }

// deleteUnlessHeld is a whole delete once e is looked up (rq.role, rq.user, ... ran its checks): it deletes
// e from m (the account's map that holds it) unless a check failed or one of conflicts, checked in RAM's
// order, holds. The answer is nil either way (a conflict is the request's failure).
func deleteUnlessHeld[E keyed](rq *request, m map[string]E, e E, conflicts ...conflict[E]) any {
	if rq.err != nil {
		return nil
	}
	for _, c := range conflicts {
		if c.holds(e, rq.caller.acct) {
			return rq.fail(errConflict(c.kind))
		}
	}
	delete(m, e.key())
	return nil
}
