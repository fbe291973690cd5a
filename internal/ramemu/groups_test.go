package ramemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

var dateRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func createGroup(t *testing.T, c *ram.Client, name, comments string) ram.Group {
	t.Helper()
	return fetch(t, c, ram.CreateCreateGroupResponse(), "CreateGroup", "GroupName", name, "Comments", comments).Group
}

func addToGroup(c *ram.Client, user, grp string) error {
	return do(c, "AddUserToGroup", "UserName", user, "GroupName", grp)
}

func removeFromGroup(c *ram.Client, user, grp string) error {
	return do(c, "RemoveUserFromGroup", "UserName", user, "GroupName", grp)
}

func deleteGroup(c *ram.Client, name string) error { return do(c, "DeleteGroup", "GroupName", name) }

var (
	getGroup      = lookup("GetGroup", "GroupName", ram.CreateGetGroupResponse)
	groupsForUser = fetcher("ListGroupsForUser", "UserName", ram.CreateListGroupsForUserResponse,
		func(r *ram.ListGroupsForUserResponse) []ram.Group { return r.Groups.Group })
	usersForGroup = fetcher("ListUsersForGroup", "GroupName", ram.CreateListUsersForGroupResponse,
		func(r *ram.ListUsersForGroupResponse) []ram.User { return r.Users.User })
)

func TestGroupLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	g := createGroup(t, a, "Dev.Team_1-x", "the developers")
	if !regexp.MustCompile(`^g-[A-Za-z0-9]{16}$`).MatchString(g.GroupId) || g.GroupName != "Dev.Team_1-x" ||
		g.Comments != "the developers" || !dateRe.MatchString(g.CreateDate) || g.UpdateDate != "" {
		t.Fatalf("create %+v", g)
	}
	// Names are unique case-insensitively.
	wantErrMsg(t, do(a, "CreateGroup", "GroupName", "dev.team_1-X"), "EntityAlreadyExists.Group", 409, "The group does already EXIST.")
	for _, c := range []struct {
		name, comments, code string
	}{
		{"", "", "MissingGroupName"},
		{"bad@name", "", "InvalidParameter.GroupName.InvalidChars"},
		{"has space", "", "InvalidParameter.GroupName.InvalidChars"},
		{strings.Repeat("g", 65), "", "InvalidParameter.GroupName.Length"},
		{"fresh", strings.Repeat("c", 129), "InvalidParameter.Comments.Length"},
	} {
		wantErr(t, do(a, "CreateGroup", "GroupName", c.name, "Comments", c.comments), c.code, 400)
	}
	createGroup(t, a, strings.Repeat("g", 64), strings.Repeat("c", 128))

	gr, err := getGroup(a, "DEV.TEAM_1-X")
	must(t, err)
	if gr.Group.GroupId != g.GroupId || gr.Group.GroupName != "Dev.Team_1-x" || gr.Group.CreateDate != g.CreateDate ||
		!dateRe.MatchString(gr.Group.UpdateDate) || gr.Group.Comments != "the developers" {
		t.Fatalf("get %+v", gr.Group)
	}
	_, err = getGroup(a, "nobody")
	wantErrMsg(t, err, "EntityNotExist.Group", 404, "The group does not exist.")

	update := func(name string, set func(*ram.UpdateGroupRequest)) (*ram.UpdateGroupResponse, error) {
		uq := ram.CreateUpdateGroupRequest()
		uq.GroupName = name
		set(uq)
		return a.UpdateGroup(uq)
	}
	// Rename: the id and the comments stay (NewComments absent keeps them).
	ur, err := update("dev.team_1-x", func(r *ram.UpdateGroupRequest) { r.NewGroupName = "Platform" })
	must(t, err)
	if ur.Group.GroupName != "Platform" || ur.Group.GroupId != g.GroupId || ur.Group.Comments != "the developers" ||
		ur.Group.CreateDate != g.CreateDate || !dateRe.MatchString(ur.Group.UpdateDate) {
		t.Fatalf("update %+v", ur.Group)
	}
	_, err = getGroup(a, "Dev.Team_1-x")
	wantErr(t, err, "EntityNotExist.Group", 404)
	_, err = update("platform", func(r *ram.UpdateGroupRequest) { r.NewGroupName = strings.Repeat("G", 64) })
	wantErr(t, err, "EntityAlreadyExists.Group", 409)
	// A rename to itself in another case is no collision.
	ur, err = update("platform", func(r *ram.UpdateGroupRequest) { r.NewGroupName = "PLATFORM" })
	must(t, err)
	if ur.Group.GroupName != "PLATFORM" {
		t.Fatal(ur.Group.GroupName)
	}
	ur, err = update("platform", func(r *ram.UpdateGroupRequest) { r.NewComments = "new words" })
	must(t, err)
	if ur.Group.Comments != "new words" || ur.Group.GroupName != "PLATFORM" {
		t.Fatalf("update %+v", ur.Group)
	}
	// NewComments present but empty clears (the typed request drops empty strings, so set it on the wire).
	_, err = update("platform", func(r *ram.UpdateGroupRequest) { r.QueryParams["NewComments"] = "" })
	must(t, err)
	gr, err = getGroup(a, "platform")
	must(t, err)
	if gr.Group.Comments != "" {
		t.Fatalf("comments not cleared: %+v", gr.Group)
	}
	for _, c := range []struct{ param, value, code string }{
		{"NewGroupName", "bad/name", "InvalidParameter.NewGroupName.InvalidChars"},
		{"NewGroupName", strings.Repeat("n", 65), "InvalidParameter.NewGroupName.Length"},
		{"NewComments", strings.Repeat("c", 129), "InvalidParameter.NewComments.Length"},
	} {
		wantErr(t, do(a, "UpdateGroup", "GroupName", "platform", c.param, c.value), c.code, 400)
	}
	_, err = update("nobody", func(r *ram.UpdateGroupRequest) { r.NewComments = "x" })
	wantErr(t, err, "EntityNotExist.Group", 404)

	must(t, deleteGroup(a, "Platform"))
	_, err = getGroup(a, "platform")
	wantErr(t, err, "EntityNotExist.Group", 404)
	wantErr(t, deleteGroup(a, "platform"), "EntityNotExist.Group", 404)
	// Groups belong to their account.
	_, err = getGroup(e.rootB(), strings.Repeat("g", 64))
	wantErr(t, err, "EntityNotExist.Group", 404)
}

func TestGroupMembership(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createGroup(t, a, "ops", "operators")
	createGroup(t, a, "dev", "")
	fetch(t, a, ram.CreateCreateUserResponse(), "CreateUser", "UserName", "alice", "DisplayName", "Alice A")
	createUser(t, a, "bob")

	must(t, addToGroup(a, "alice", "ops"))
	must(t, addToGroup(a, "ALICE", "DEV"))
	must(t, addToGroup(a, "bob", "ops"))
	wantErrMsg(t, addToGroup(a, "Alice", "Ops"), "EntityAlreadyExists.User.Group", 409, "The user has already joined the group.")
	wantErr(t, addToGroup(a, "nobody", "ops"), "EntityNotExist.User", 404)
	wantErr(t, addToGroup(a, "alice", "nogroup"), "EntityNotExist.Group", 404)
	wantErr(t, addToGroup(a, "alice", "bad group"), "InvalidParameter.GroupName.InvalidChars", 400)
	wantErr(t, addToGroup(a, "", "ops"), "MissingUserName", 400)

	gs := groupsForUser(t, a, "alice")
	if len(gs) != 2 || gs[0].GroupName != "ops" || gs[0].Comments != "operators" || !strings.HasPrefix(gs[0].GroupId, "g-") ||
		!dateRe.MatchString(gs[0].JoinDate) || gs[1].GroupName != "dev" {
		t.Fatalf("groups for alice %+v", gs)
	}
	us := usersForGroup(t, a, "ops")
	if len(us) != 2 || us[0].UserName != "alice" || us[0].DisplayName != "Alice A" || !dateRe.MatchString(us[0].JoinDate) ||
		us[1].UserName != "bob" {
		t.Fatalf("users for ops %+v", us)
	}
	wantErr(t, do(a, "ListGroupsForUser", "UserName", "nobody"), "EntityNotExist.User", 404)
	wantErr(t, do(a, "ListUsersForGroup", "GroupName", "nogroup"), "EntityNotExist.Group", 404)

	// A member cannot be deleted, and a group with members cannot be deleted.
	wantErrMsg(t, deleteUser(a, "bob"), "DeleteConflict.User.Group", 409, "The user CAN NOT be in any group while deleting the user.")
	wantErrMsg(t, deleteGroup(a, "ops"), "DeleteConflict.Group.User", 409, "The group CAN NOT has any user member while deleting the group.")
	// The documented order: a user's own policies are reported before its groups.
	must(t, attachTo(a, "User", "bob", "System", "ReadOnlyAccess"))
	wantErr(t, deleteUser(a, "bob"), "DeleteConflict.User.Policy", 409)

	// Renaming the user or the group keeps the memberships.
	fetch(t, a, ram.CreateUpdateUserResponse(), "UpdateUser", "UserName", "alice", "NewUserName", "alice2")
	fetch(t, a, ram.CreateUpdateGroupResponse(), "UpdateGroup", "GroupName", "ops", "NewGroupName", "operations")
	if gs := groupsForUser(t, a, "alice2"); len(gs) != 2 || gs[0].GroupName != "operations" {
		t.Fatalf("after renames %+v", gs)
	}
	if us := usersForGroup(t, a, "operations"); len(us) != 2 || us[0].UserName != "alice2" {
		t.Fatalf("after renames %+v", us)
	}

	must(t, removeFromGroup(a, "bob", "operations"))
	wantErrMsg(t, removeFromGroup(a, "bob", "operations"), "EntityNotExist.User.Group", 404, "The user has not joined the group.")
	wantErr(t, removeFromGroup(a, "bob", "nogroup"), "EntityNotExist.Group", 404)
	wantErr(t, removeFromGroup(a, "nobody", "dev"), "EntityNotExist.User", 404)
	if gs := groupsForUser(t, a, "bob"); len(gs) != 0 {
		t.Fatalf("bob still in %+v", gs)
	}
	must(t, detachFrom(a, "User", "bob", "System", "ReadOnlyAccess"))
	must(t, deleteUser(a, "bob"))
	must(t, removeFromGroup(a, "alice2", "operations"))
	must(t, deleteGroup(a, "operations"))
	if gs := groupsForUser(t, a, "alice2"); len(gs) != 1 || gs[0].GroupName != "dev" {
		t.Fatalf("alice2 groups %+v", gs)
	}
}

func TestGroupPolicies(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createGroup(t, a, "readers", "read it all")
	createPolicy(t, a, "GroupP", permDoc("ecs:Describe*"))
	must(t, attachTo(a, "Group", "readers", "System", "ReadOnlyAccess"))
	must(t, attachTo(a, "Group", "READERS", "Custom", "groupp"))
	wantErrMsg(t, attachTo(a, "Group", "readers", "Custom", "GroupP"), "EntityAlreadyExists.Group.Policy", 409, "The group has already been attached this policy.")
	wantErr(t, attachTo(a, "Group", "nogroup", "System", "ReadOnlyAccess"), "EntityNotExist.Group", 404)
	wantErr(t, attachTo(a, "Group", "readers", "System", "NoSuchPolicy"), "EntityNotExist.Policy", 404)
	wantErr(t, attachTo(a, "Group", "readers", "Weird", "ReadOnlyAccess"), "InvalidParameter.PolicyType", 400)
	wantErr(t, attachTo(a, "Group", "readers", "", "ReadOnlyAccess"), "MissingPolicyType", 400)

	ps := policiesForGroup(t, a, "readers")
	if len(ps) != 2 || ps[0].PolicyName != "ReadOnlyAccess" || ps[0].PolicyType != "System" || ps[0].DefaultVersion != "v1" ||
		!dateRe.MatchString(ps[0].AttachDate) || ps[1].PolicyName != "GroupP" || ps[1].PolicyType != "Custom" || ps[0].Description == "" {
		t.Fatalf("policies for group %+v", ps)
	}
	wantErr(t, do(a, "ListPoliciesForGroup", "GroupName", "nogroup"), "EntityNotExist.Group", 404)

	// The group appears among the policy's entities and in its AttachmentCount, beside a user and a role.
	createUser(t, a, "u1")
	must(t, attachTo(a, "User", "u1", "Custom", "GroupP"))
	createRole(t, a, "r1", trustB)
	must(t, attachTo(a, "Role", "r1", "Custom", "GroupP"))
	eq := ram.CreateListEntitiesForPolicyRequest()
	eq.PolicyName, eq.PolicyType = "GroupP", "Custom"
	er, err := a.ListEntitiesForPolicy(eq)
	must(t, err)
	if len(er.Groups.Group) != 1 || er.Groups.Group[0].GroupName != "readers" || er.Groups.Group[0].Comments != "read it all" ||
		!dateRe.MatchString(er.Groups.Group[0].AttachDate) || len(er.Users.User) != 1 || len(er.Roles.Role) != 1 {
		t.Fatalf("entities %+v", er)
	}
	if n := getPolicy(t, a, "Custom", "GroupP").Policy.AttachmentCount; n != 3 {
		t.Fatalf("attachment count %d", n)
	}

	// DeletePolicy reports the group attachment once users are gone; DeleteGroup its policies.
	must(t, detachFrom(a, "User", "u1", "Custom", "GroupP"))
	wantErrMsg(t, do(a, "DeletePolicy", "PolicyName", "GroupP"), "DeleteConflict.Policy.Group", 409, "The policy CAN NOT been attached to any group while deleting the policy.")
	wantErrMsg(t, deleteGroup(a, "readers"), "DeleteConflict.Group.Policy", 409, "The entity CAN NOT has any attached policy while deleting the group.")

	// Renaming keeps the attachments.
	fetch(t, a, ram.CreateUpdateGroupResponse(), "UpdateGroup", "GroupName", "readers", "NewGroupName", "viewers")
	if ps := policiesForGroup(t, a, "viewers"); len(ps) != 2 {
		t.Fatalf("after rename %+v", ps)
	}
	er, err = a.ListEntitiesForPolicy(eq)
	must(t, err)
	if len(er.Groups.Group) != 1 || er.Groups.Group[0].GroupName != "viewers" {
		t.Fatalf("entities after rename %+v", er.Groups)
	}

	must(t, detachFrom(a, "Group", "viewers", "Custom", "GroupP"))
	wantErrMsg(t, detachFrom(a, "Group", "viewers", "Custom", "GroupP"), "EntityNotExist.Group.Policy", 404, "The indicate policy attached to the group does not exist.")
	wantErr(t, detachFrom(a, "Group", "nogroup", "Custom", "GroupP"), "EntityNotExist.Group", 404)
	if n := getPolicy(t, a, "Custom", "GroupP").Policy.AttachmentCount; n != 1 {
		t.Fatalf("attachment count after detach %d", n)
	}
	must(t, detachFrom(a, "Group", "viewers", "System", "ReadOnlyAccess"))
	must(t, deleteGroup(a, "viewers"))
}

func TestGroupLimits(t *testing.T) {
	s, err := New(Options{})
	must(t, err)
	// Policies per group: 20 system and, separately, 10 custom.
	wantCall(t, s, "CreateGroup", map[string]string{"GroupName": "g0"}, 200, "")
	wantSystemAttachLimit(t, s, "Group", "g0")
	for i := 0; i <= maxCustomAttached; i++ {
		wantCall(t, s, "CreatePolicy", map[string]string{"PolicyName": fmt.Sprintf("p%d", i), "PolicyDocument": permDoc("ecs:*")}, 200, "")
		want, code := 200, ""
		if i == maxCustomAttached {
			want, code = 409, "LimitExceeded.Group.Policy"
		}
		wantCall(t, s, "AttachPolicyToGroup", map[string]string{"GroupName": "g0", "PolicyType": "Custom", "PolicyName": fmt.Sprintf("p%d", i)}, want, code)
	}
	// Groups per account.
	for i := 1; i < maxGroups; i++ {
		wantCall(t, s, "CreateGroup", map[string]string{"GroupName": fmt.Sprintf("g%d", i)}, 200, "")
	}
	wantCall(t, s, "CreateGroup", map[string]string{"GroupName": "one-more"}, 409, "LimitExceeded.Group")
	// Groups per user.
	wantCall(t, s, "CreateUser", map[string]string{"UserName": "joiner"}, 200, "")
	for i := 0; i < maxGroupsPerUser; i++ {
		wantCall(t, s, "AddUserToGroup", map[string]string{"UserName": "joiner", "GroupName": fmt.Sprintf("g%d", i)}, 200, "")
	}
	wantCall(t, s, "AddUserToGroup", map[string]string{"UserName": "joiner", "GroupName": "g299"}, 409, "LimitExceeded.User.Group")
	// Leaving one group makes room again.
	wantCall(t, s, "RemoveUserFromGroup", map[string]string{"UserName": "joiner", "GroupName": "g0"}, 200, "")
	wantCall(t, s, "AddUserToGroup", map[string]string{"UserName": "joiner", "GroupName": "g299"}, 200, "")
}

func TestGroupPagination(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createGroup(t, a, "big", "")
	for i := 0; i < 7; i++ {
		createGroup(t, a, fmt.Sprintf("grp%d", i), "")
		createUser(t, a, fmt.Sprintf("user%d", i))
		must(t, addToGroup(a, fmt.Sprintf("user%d", i), "big"))
	}
	wantPages(t, 3, "big,grp0,grp1,grp2,grp3,grp4,grp5,grp6", func(marker string) ([]string, string, bool) {
		r := fetch(t, a, ram.CreateListGroupsResponse(), "ListGroups", "MaxItems", "3", "Marker", marker)
		return namesOf(r.Groups.Group, func(g ram.Group) string {
			if g.GroupId == "" || !dateRe.MatchString(g.CreateDate) || !dateRe.MatchString(g.UpdateDate) {
				t.Fatalf("list entry %+v", g)
			}
			return g.GroupName
		}), r.Marker, r.IsTruncated
	})
	wantPages(t, 4, "user0,user1,user2,user3,user4,user5,user6", func(marker string) ([]string, string, bool) {
		r := fetch(t, a, ram.CreateListUsersForGroupResponse(), "ListUsersForGroup", "GroupName", "big", "MaxItems", "2", "Marker", marker)
		return namesOf(r.Users.User, func(u ram.User) string { return u.UserName }), r.Marker, r.IsTruncated
	})
	for _, bad := range []string{"0", "1001", "x"} {
		q := ram.CreateListGroupsRequest()
		q.QueryParams["MaxItems"] = bad
		_, err := a.ListGroups(q)
		wantErr(t, err, "InvalidParameter.MaxItems", 400)
	}
	wantErr(t, do(a, "ListUsersForGroup", "GroupName", "big", "Marker", "not-a-marker"), "InvalidParameter.Marker", 400)
}

// A user's permissions include its groups' policies: for RAM calls and for AssumeRole's identity check.
func TestGroupGrantsPermissions(t *testing.T) {
	e := newEnv(t, Options{})
	a, b := e.rootA(), e.rootB()
	createRole(t, a, "shared", trustB)
	arn := "acs:ram::1000000000000001:role/shared"

	// A B user with no policies of its own.
	createUser(t, b, "op")
	k := createKey(t, b, "op")
	opSTS := e.sts(k.AccessKeyId, k.AccessKeySecret)
	_, err := assume(opSTS, arn, "s1", "")
	wantErr(t, err, "NoPermission", 403)

	createGroup(t, b, "assumers", "")
	must(t, attachTo(b, "Group", "assumers", "System", "AliyunSTSAssumeRoleAccess"))
	// Attached but not a member yet: still refused.
	_, err = assume(opSTS, arn, "s1", "")
	wantErr(t, err, "NoPermission", 403)
	must(t, addToGroup(b, "op", "assumers"))
	resp, err := assume(opSTS, arn, "s1", "")
	must(t, err)
	if resp.AssumedRoleUser.Arn != "acs:ram::1000000000000001:role/shared/s1" {
		t.Fatal(resp.AssumedRoleUser.Arn)
	}
	must(t, removeFromGroup(b, "op", "assumers"))
	_, err = assume(opSTS, arn, "s2", "")
	se := wantErr(t, err, "NoPermission", 403)
	if se.AccessDeniedDetail()["PolicyType"] != "AccountLevelIdentityBasedPolicy" {
		t.Fatalf("detail %v", se.AccessDeniedDetail())
	}
	// Detaching from the group revokes as well.
	must(t, addToGroup(b, "op", "assumers"))
	_, err = assume(opSTS, arn, "s3", "")
	must(t, err)
	must(t, detachFrom(b, "Group", "assumers", "System", "AliyunSTSAssumeRoleAccess"))
	_, err = assume(opSTS, arn, "s4", "")
	wantErr(t, err, "NoPermission", 403)

	// RAM calls by a RAM user: group policies count, and group resources are scoped by name.
	createPolicy(t, a, "GroupAdmin", `{"Statement":[
		{"Action":["ram:GetGroup","ram:AddUserToGroup","ram:ListUsersForGroup"],"Effect":"Allow","Resource":"acs:ram:*:1000000000000001:group/team-*"},
		{"Action":"ram:AddUserToGroup","Effect":"Allow","Resource":"acs:ram:*:1000000000000001:user/*"}],"Version":"1"}`)
	createGroup(t, a, "admins", "")
	createGroup(t, a, "team-x", "")
	createGroup(t, a, "other", "")
	must(t, attachTo(a, "Group", "admins", "Custom", "GroupAdmin"))
	ga, _ := userWith(t, e, a, "gadmin")
	createUser(t, a, "newbie")
	_, err = getGroup(ga, "team-x")
	wantErr(t, err, "NoPermission", 403)
	must(t, addToGroup(a, "gadmin", "admins"))
	_, err = getGroup(ga, "team-x")
	must(t, err)
	_, err = getGroup(ga, "other")
	wantErr(t, err, "NoPermission", 403)
	must(t, addToGroup(ga, "newbie", "team-x"))
	wantErr(t, addToGroup(ga, "newbie", "other"), "NoPermission", 403)
	_, err = ga.ListGroups(ram.CreateListGroupsRequest())
	wantErr(t, err, "NoPermission", 403)
	// A membership change by another caller takes effect on the next call.
	must(t, removeFromGroup(a, "gadmin", "admins"))
	_, err = getGroup(ga, "team-x")
	wantErr(t, err, "NoPermission", 403)
}

// AddUserToGroup is authorized on the group and on the user.
func TestAddUserToGroupNeedsBothResources(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createPolicy(t, a, "GroupOnly", `{"Statement":[{"Action":"ram:AddUserToGroup","Effect":"Allow","Resource":"acs:ram:*:*:group/*"}],"Version":"1"}`)
	c, _ := userWith(t, e, a, "half", [2]string{"Custom", "GroupOnly"})
	createGroup(t, a, "g", "")
	createUser(t, a, "target")
	se := wantErr(t, addToGroup(c, "target", "g"), "NoPermission", 403)
	if se.AccessDeniedDetail()["AuthAction"] != "ram:AddUserToGroup" {
		t.Fatalf("detail %v", se.AccessDeniedDetail())
	}
	// RAM's order: parameters (400), the group, then the user (404), then permission (403).
	wantErr(t, addToGroup(c, "bad name", "no group"), "InvalidParameter.GroupName.InvalidChars", 400)
	wantErr(t, addToGroup(c, "nobody", "nogroup"), "EntityNotExist.Group", 404)
	wantErr(t, addToGroup(c, "nobody", "g"), "EntityNotExist.User", 404)
	_, err := getGroup(c, "nogroup")
	wantErr(t, err, "EntityNotExist.Group", 404)
	_, err = getGroup(c, "g")
	wantErr(t, err, "NoPermission", 403)
	must(t, attachTo(a, "User", "half", "System", "AliyunRAMFullAccess"))
	must(t, addToGroup(c, "target", "g"))
}

func TestGroupsUnderConsistencyDelay(t *testing.T) {
	clk := NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{Clock: clk, ConsistencyDelay: 5 * time.Second})
	a := e.rootA()
	createGroup(t, a, "late", "")
	createUser(t, a, "u")
	_, err := getGroup(a, "late")
	wantErr(t, err, "EntityNotExist.Group", 404)
	// Writes see the truth.
	must(t, addToGroup(a, "u", "late"))
	clk.Advance(5 * time.Second)
	_, err = getGroup(a, "late")
	must(t, err)
	if us := usersForGroup(t, a, "late"); len(us) != 1 {
		t.Fatalf("member not visible after the delay: %+v", us)
	}
	// Right after leaving, deletes still see the membership.
	must(t, removeFromGroup(a, "u", "late"))
	wantErr(t, deleteUser(a, "u"), "DeleteConflict.User.Group", 409)
	wantErr(t, deleteGroup(a, "late"), "DeleteConflict.Group.User", 409)
	clk.Advance(5 * time.Second)
	must(t, deleteGroup(a, "late"))
	must(t, deleteUser(a, "u"))

	// Joining a group is a grant: its policies count for the new member only after the delay.
	createRole(t, a, "own", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000001:root"]}}],"Version":"1"}`)
	createUser(t, a, "joiner")
	k := createKey(t, a, "joiner")
	createGroup(t, a, "assumers", "")
	must(t, attachTo(a, "Group", "assumers", "System", "AliyunSTSAssumeRoleAccess"))
	clk.Advance(5 * time.Second) // the key, the trust document and the group's attachment are in effect
	joiner := e.sts(k.AccessKeyId, k.AccessKeySecret)
	must(t, addToGroup(a, "joiner", "assumers"))
	_, err = assume(joiner, "acs:ram::1000000000000001:role/own", "s1", "")
	wantErr(t, err, "NoPermission", 403)
	clk.Advance(5 * time.Second)
	_, err = assume(joiner, "acs:ram::1000000000000001:role/own", "s1", "")
	must(t, err)
	// Leaving revokes at once.
	must(t, removeFromGroup(a, "joiner", "assumers"))
	_, err = assume(joiner, "acs:ram::1000000000000001:role/own", "s2", "")
	wantErr(t, err, "NoPermission", 403)
}

func TestGroupsInStateAndPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path})
	a, b := e.rootA(), e.rootB()
	createRole(t, a, "shared", trustB)
	createGroup(t, a, "empty", "nobody here")
	createGroup(t, b, "assumers", "may assume")
	must(t, attachTo(b, "Group", "assumers", "System", "AliyunSTSAssumeRoleAccess"))
	createPolicy(t, b, "BPol", permDoc("ecs:*"))
	must(t, attachTo(b, "Group", "assumers", "Custom", "BPol"))
	createUser(t, b, "op")
	createUser(t, b, "op2")
	must(t, addToGroup(b, "op2", "assumers"))
	must(t, addToGroup(b, "op", "assumers"))
	k := createKey(t, b, "op")

	raw, dump := e.stateDump()
	bd := dump.Accounts[1]
	if len(bd.Groups) != 1 {
		t.Fatalf("groups %+v", bd.Groups)
	}
	g := bd.Groups[0]
	if g.Name != "assumers" || g.Comments != "may assume" || !strings.HasPrefix(g.ID, "g-") ||
		strings.Join(g.Members, ",") != "op2,op" || len(g.Policies) != 2 ||
		g.Policies[0] != (PolicyRefDump{"System", "AliyunSTSAssumeRoleAccess"}) || g.Policies[1] != (PolicyRefDump{"Custom", "BPol"}) {
		t.Fatalf("group dump %+v", g)
	}
	if len(bd.Attachments) != 2 || bd.Attachments[0] != (AttachmentDump{"Group", "assumers", "System", "AliyunSTSAssumeRoleAccess"}) {
		t.Fatalf("attachments %+v", bd.Attachments)
	}
	if ad := dump.Accounts[0]; len(ad.Groups) != 1 || ad.Groups[0].Members == nil || len(ad.Groups[0].Members) != 0 {
		t.Fatalf("A groups %+v", ad.Groups)
	}
	if bytes.Contains(raw, []byte(k.AccessKeySecret)) {
		t.Fatal("secret in state dump")
	}

	before := e.srv.State()
	e.ts.Close()
	e2 := newEnv(t, Options{StatePath: path})
	bj, _ := json.Marshal(before)
	aj, _ := json.Marshal(e2.srv.State())
	if !bytes.Equal(bj, aj) {
		t.Fatalf("state changed across restart:\n%s\n%s", bj, aj)
	}
	// The restored membership still grants, and the restored group still conflicts.
	_, err := assume(e2.sts(k.AccessKeyId, k.AccessKeySecret), "acs:ram::1000000000000001:role/shared", "after", "")
	must(t, err)
	b2 := e2.rootB()
	wantErr(t, deleteGroup(b2, "assumers"), "DeleteConflict.Group.User", 409)
	wantErr(t, addToGroup(b2, "op", "ASSUMERS"), "EntityAlreadyExists.User.Group", 409)
	if us := usersForGroup(t, b2, "assumers"); len(us) != 2 || us[0].UserName != "op2" || us[0].JoinDate == "" {
		t.Fatalf("restored members %+v", us)
	}
	// Restored ids are not handed out again.
	if g2 := createGroup(t, b2, "fresh", ""); g2.GroupId == g.ID {
		t.Fatal("id reused")
	}
}
