package ramemu

import (
	"regexp"
	"sort"
	"strings"
	"time"
)

// User groups: a group holds users (memberships) and attached policies; a member's permissions are its own
// policies plus those of every group it is in (authz.go, identityDocs).

type group struct {
	Name, ID, Comments string
	Created, Updated   time.Time
	policies           map[string]*attachment // policyKey -> attachment
	members            map[string]*membership // user ID -> membership
	seq                uint64
	visibleAt          time.Time
}

// membership is a user's place in a group; both sides point at the same value.
type membership struct {
	user      *user
	group     *group
	JoinDate  time.Time
	seq       uint64
	visibleAt time.Time
}

var groupNameRe = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func (g *group) order() uint64               { return g.seq }
func (g *group) visibleFrom() time.Time      { return g.visibleAt }
func (g *group) resource(acct string) string { return groupRes(acct, g.Name) }
func (m *membership) order() uint64          { return m.seq }
func (m *membership) visibleFrom() time.Time { return m.visibleAt }

func (rq *request) groupName() string { return rq.name("GroupName", 64, groupNameRe) }

// findGroup finds a group of the caller's account by name (404 EntityNotExist.Group).
func (rq *request) findGroup(name string, v view) *group {
	g, ok := rq.caller.acct.groups[strings.ToLower(name)]
	return found(rq, g, ok, v, "Group")
}

// group finds a group and authorizes action on it.
func (rq *request) group(name, action string, v view) *group {
	return authorized(rq, rq.findGroup(name, v), action)
}

// groupPrincipal is the principal kind of AttachPolicyToGroup, DetachPolicyFromGroup and ListPoliciesForGroup.
func groupPrincipal(rq *request, v view) *principal {
	g := rq.findGroup(rq.groupName(), v)
	if g == nil {
		return nil
	}
	return &principal{kind: "Group", id: g.ID, policies: g.policies, res: groupRes(rq.caller.acct.ID, g.Name), group: g}
}

// newGroupID returns a unique id shaped like RAM's ("g-" and 16 letters/digits).
func (a *account) newGroupID() string {
	for {
		id := "g-" + randString(16)
		if !a.usedIDs[id] {
			a.usedIDs[id] = true
			return id
		}
	}
}

type groupJSON struct {
	GroupId    string `json:"GroupId,omitempty"`
	GroupName  string `json:"GroupName"`
	Comments   string `json:"Comments,omitempty"`
	CreateDate string `json:"CreateDate,omitempty"`
	UpdateDate string `json:"UpdateDate,omitempty"`
	JoinDate   string `json:"JoinDate,omitempty"`
	AttachDate string `json:"AttachDate,omitempty"`
}

func groupOut(g *group) groupJSON {
	return groupJSON{GroupId: g.ID, GroupName: g.Name, Comments: g.Comments, CreateDate: fmtDate(g.Created), UpdateDate: fmtDate(g.Updated)}
}

func (rq *request) createGroup() any {
	name := rq.groupName()
	comments, _ := rq.text("Comments", 128)
	a, key := rq.caller.acct, strings.ToLower(name)
	if !rq.creatable("ram:CreateGroup", groupRes(a.ID, name), "Group", a.groups[key] != nil, len(a.groups), maxGroups) {
		return nil
	}
	g := &group{
		Name: name, ID: a.newGroupID(), Comments: comments, Created: rq.now, Updated: rq.now,
		policies: map[string]*attachment{}, members: map[string]*membership{},
		seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now),
	}
	a.groups[key] = g
	out := groupOut(g)
	out.UpdateDate = ""
	return map[string]any{"Group": out}
}

func (rq *request) getGroup() any {
	g := rq.group(rq.groupName(), "ram:GetGroup", forRead)
	if rq.err != nil {
		return nil
	}
	return map[string]any{"Group": groupOut(g)}
}

func (rq *request) updateGroup() any {
	name := rq.groupName()
	newName, rename := rq.newName("NewGroupName", groupNameRe)
	comments, commentsSet := rq.clearable("NewComments", 128)
	g := rq.group(name, "ram:UpdateGroup", forWrite)
	if rq.err != nil {
		return nil
	}
	if rename && !renamed(rq, rq.caller.acct.groups, g, &g.Name, newName, "Group") {
		return nil
	}
	if commentsSet {
		g.Comments = comments
	}
	g.Updated = rq.now
	return map[string]any{"Group": groupOut(g)}
}

func (rq *request) deleteGroup() any {
	return deleteUnlessHeld(rq, rq.caller.acct.groups, rq.group(rq.groupName(), "ram:DeleteGroup", forWrite),
		conflict[*group]{"Group.User", func(g *group, a *account) bool {
			return len(g.members) > 0 || a.policyRecentlyDetached("Member", g.ID, rq.now)
		}},
		conflict[*group]{"Group.Policy", func(g *group, a *account) bool {
			return len(g.policies) > 0 || a.recentlyDetached("Group:"+g.ID, "", rq.now)
		}})
}

func (rq *request) listGroups() any {
	pr := rq.listPage("ram:ListGroups")
	return markerList(rq, pr, readable(rq, rq.caller.acct.groups), groupOut, "Groups", "Group")
}

// membershipTarget takes GroupName and UserName, finds the group, then the user, and authorizes action on both
// (RAM's permission table lists the group and the user as resources of AddUserToGroup and RemoveUserFromGroup).
func (rq *request) membershipTarget(action string) (*group, *user) {
	gname := rq.groupName()
	uname := rq.userName()
	g := rq.findGroup(gname, forWrite)
	u := rq.findUser(uname, forWrite)
	if rq.err != nil {
		return nil, nil
	}
	a := rq.caller.acct
	if !rq.allow(action, g.resource(a.ID)) || !rq.allow(action, u.resource(a.ID)) {
		return nil, nil
	}
	return g, u
}

func (rq *request) addUserToGroup() any {
	g, u := rq.membershipTarget("ram:AddUserToGroup")
	if rq.err != nil {
		return nil
	}
	if g.members[u.ID] != nil {
		return rq.fail(errAlready("User.Group"))
	}
	if len(u.groups) >= maxGroupsPerUser {
		return rq.fail(errLimit("User.Group"))
	}
	a := rq.caller.acct
	if m := a.detached["Member:"+u.ID]; m != nil {
		delete(m, g.ID)
	}
	a.addMembership(&membership{user: u, group: g, JoinDate: rq.now, seq: a.nextSeq(), visibleAt: rq.s.visibleAt(rq.now)})
	return nil
}

func (a *account) addMembership(m *membership) {
	m.group.members[m.user.ID] = m
	m.user.groups[m.group.ID] = m
}

func (rq *request) removeUserFromGroup() any {
	g, u := rq.membershipTarget("ram:RemoveUserFromGroup")
	if rq.err != nil {
		return nil
	}
	if g.members[u.ID] == nil {
		return rq.fail(errNotExist("User.Group"))
	}
	delete(g.members, u.ID)
	delete(u.groups, g.ID)
	// Like a detach: with a consistency delay, DeleteUser and DeleteGroup still see the membership for a while.
	if d := rq.s.opts.ConsistencyDelay; d > 0 {
		a := rq.caller.acct
		key := "Member:" + u.ID
		if a.detached[key] == nil {
			a.detached[key] = map[string]time.Time{}
		}
		a.detached[key][g.ID] = rq.now.Add(d)
	}
	return nil
}

// ListGroupsForUser is not paginated.
func (rq *request) listGroupsForUser() any {
	u := rq.user(rq.userName(), "ram:ListGroupsForUser", forRead)
	if rq.err != nil {
		return nil
	}
	items := []groupJSON{}
	for _, m := range readable(rq, u.groups) {
		items = append(items, groupJSON{GroupId: m.group.ID, GroupName: m.group.Name, Comments: m.group.Comments, JoinDate: fmtDate(m.JoinDate)})
	}
	return map[string]any{"Groups": map[string]any{"Group": items}}
}

func (rq *request) listUsersForGroup() any {
	name := rq.groupName()
	pr := rq.page()
	g := rq.group(name, "ram:ListUsersForGroup", forRead)
	if rq.err != nil {
		return nil
	}
	return markerList(rq, pr, readable(rq, g.members), memberOut, "Users", "User")
}

// groupMemberJSON is a ListUsersForGroup entry: RAM's reference lists UserName, DisplayName and JoinDate only.
type groupMemberJSON struct {
	UserName    string `json:"UserName"`
	DisplayName string `json:"DisplayName"`
	JoinDate    string `json:"JoinDate"`
}

func memberOut(m *membership) groupMemberJSON {
	return groupMemberJSON{UserName: m.user.Name, DisplayName: m.user.DisplayName, JoinDate: fmtDate(m.JoinDate)}
}

// sortedMemberships returns every membership in join order (the state dump's view: the truth, not a read).
func sortedMemberships(m map[string]*membership) []*membership {
	out := make([]*membership, 0, len(m))
	for _, ms := range m {
		out = append(out, ms)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}
