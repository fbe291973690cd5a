package ramclient

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"
)

func attachedBody(names ...string) map[string]any {
	ps := []map[string]any{}
	for _, n := range names {
		ps = append(ps, map[string]any{"PolicyName": n, "PolicyType": "System"})
	}
	return map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": ps}}
}

// deleteFake is a fake that answers action with answers in turn while listAction shows the System policies
// attached, and a test client of it.
func deleteFake(t *testing.T, action, listAction string, attached []string, answers ...[2]any) (*fakeAPI, *Client) {
	f := newFake(t)
	f.on(action, seq(answers...))
	f.on(listAction, seq(resp(200, attachedBody(attached...))))
	return f, newTestClient(t, f, nil)
}

var (
	ok              = resp(200, map[string]any{"RequestId": "R"})
	rolePolicyInUse = resp(409, apiErr("DeleteConflict.Role.Policy", "The role CAN NOT has any attached policy while deleting the role."))
)

// TestDeleteRoleWithNamesAttached: a policy RAM lists as attached fails the delete at once, naming it.
func TestDeleteRoleWithNamesAttached(t *testing.T) {
	f, c := deleteFake(t, "DeleteRole", "ListPoliciesForRole", []string{"ReadOnlyAccess"}, rolePolicyInUse)
	err := c.DeleteRoleWith(context.Background(), "r", DeleteRoleOptions{})
	var blocked *RoleHasPoliciesError
	if !errors.As(err, &blocked) || !IsConflict(err) || len(blocked.Policies) != 1 || blocked.Policies[0].Name != "ReadOnlyAccess" {
		t.Fatalf("err = %v (%T), want a RoleHasPoliciesError naming ReadOnlyAccess", err, err)
	}
	if n := f.count("DeleteRole"); n != 1 {
		t.Errorf("DeleteRole attempts = %d, want 1", n)
	}
	if n := f.count("DetachPolicyFromRole"); n != 0 {
		t.Errorf("DetachPolicyFromRole calls = %d without DetachPolicies, want 0", n)
	}
}

// TestDeleteRoleWithWaitsOutStaleView: a conflict while nothing is listed is RAM lagging behind a detach made
// by another process (the client's tracker knows of none): the delete is retried until it succeeds.
func TestDeleteRoleWithWaitsOutStaleView(t *testing.T) {
	f, c := deleteFake(t, "DeleteRole", "ListPoliciesForRole", nil, rolePolicyInUse, rolePolicyInUse, ok)
	if err := c.DeleteRoleWith(context.Background(), "r", DeleteRoleOptions{}); err != nil {
		t.Fatalf("DeleteRoleWith: %v", err)
	}
	if n := f.count("DeleteRole"); n != 3 {
		t.Errorf("DeleteRole attempts = %d, want 3", n)
	}
}

// TestDeleteRoleWithStaleViewBounded: a conflict that outlasts the consistency window is returned as RAM's
// conflict, not as a list of attached policies.
func TestDeleteRoleWithStaleViewBounded(t *testing.T) {
	f, c := deleteFake(t, "DeleteRole", "ListPoliciesForRole", nil, rolePolicyInUse)
	c.consistencyWindow = 0
	err := c.DeleteRoleWith(context.Background(), "r", DeleteRoleOptions{})
	var blocked *RoleHasPoliciesError
	if !IsConflict(err) || errors.As(err, &blocked) {
		t.Fatalf("err = %v (%T), want RAM's DeleteConflict", err, err)
	}
	if n := f.count("DeleteRole"); n != 1 {
		t.Errorf("DeleteRole attempts = %d with no window, want 1", n)
	}
}

// TestDeleteRoleWithDetachesConcurrentAttach: with DetachPolicies, the policies attached before the delete
// and one attached between the detach and the delete are all detached, and the role is deleted.
func TestDeleteRoleWithDetachesConcurrentAttach(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	attached := map[string]bool{"ReadOnlyAccess": true}
	deletes := 0
	f.on("ListPoliciesForRole", func(url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		var names []string
		for n := range attached {
			names = append(names, n)
		}
		return 200, attachedBody(names...)
	})
	f.on("DetachPolicyFromRole", func(q url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		delete(attached, q.Get("PolicyName"))
		return ok[0].(int), ok[1]
	})
	f.on("DeleteRole", func(url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		if deletes++; deletes == 1 {
			attached["AliyunKafkaFullAccess"] = true // attached by someone else right after our detach
		}
		if len(attached) > 0 {
			return rolePolicyInUse[0].(int), rolePolicyInUse[1]
		}
		return ok[0].(int), ok[1]
	})
	c := newTestClient(t, f, nil)
	if err := c.DeleteRoleWith(context.Background(), "r", DeleteRoleOptions{DetachPolicies: true}); err != nil {
		t.Fatalf("DeleteRoleWith: %v", err)
	}
	if n := f.count("DetachPolicyFromRole"); n != 2 {
		t.Errorf("DetachPolicyFromRole calls = %d, want 2 (the first policy, then the one attached concurrently)", n)
	}
	if got := f.last("DetachPolicyFromRole").Get("PolicyName"); got != "AliyunKafkaFullAccess" {
		t.Errorf("last detach = %q, want the policy attached concurrently", got)
	}
	if n := f.count("DeleteRole"); n != 2 {
		t.Errorf("DeleteRole attempts = %d, want 2", n)
	}
}

func versionsBody(ids ...string) map[string]any {
	vs := []map[string]any{{"VersionId": "v1", "IsDefaultVersion": true}}
	for _, id := range ids {
		vs = append(vs, map[string]any{"VersionId": id, "IsDefaultVersion": false})
	}
	return map[string]any{"RequestId": "R", "PolicyVersions": map[string]any{"PolicyVersion": vs}}
}

// TestDeletePolicyWithVersions: the non-default versions go first, and a version added concurrently (RAM
// answers DeleteConflict.Policy.Version) is deleted too before the policy.
func TestDeletePolicyWithVersions(t *testing.T) {
	f := newFake(t)
	f.on("ListPolicyVersions", seq(resp(200, versionsBody("v2")), resp(200, versionsBody("v3"))))
	f.on("DeletePolicy", seq(resp(409, apiErr("DeleteConflict.Policy.Version", "The policy CAN NOT has any version except the default version.")), ok))
	c := newTestClient(t, f, nil)
	if err := c.DeletePolicyWith(context.Background(), "p", DeletePolicyOptions{}); err != nil {
		t.Fatalf("DeletePolicyWith: %v", err)
	}
	if n := f.count("DeletePolicyVersion"); n != 2 || f.last("DeletePolicyVersion").Get("VersionId") != "v3" {
		t.Errorf("DeletePolicyVersion calls = %d, last %q; want v2 then v3", n, f.last("DeletePolicyVersion").Get("VersionId"))
	}
	if n := f.count("DeletePolicy"); n != 2 {
		t.Errorf("DeletePolicy attempts = %d, want 2", n)
	}
}

func entitiesBody(users, roles []string) map[string]any {
	us, rs := []map[string]any{}, []map[string]any{}
	for _, u := range users {
		us = append(us, map[string]any{"UserName": u})
	}
	for _, r := range roles {
		rs = append(rs, map[string]any{"RoleName": r})
	}
	return map[string]any{"RequestId": "R", "Users": map[string]any{"User": us}, "Roles": map[string]any{"Role": rs},
		"Groups": map[string]any{"Group": []map[string]any{}}}
}

// TestDeletePolicyWithInUse: without DetachEverywhere an attachment fails the delete, naming where; with
// it, the policy is detached from every user and role and deleted.
func TestDeletePolicyWithInUse(t *testing.T) {
	attached := resp(200, entitiesBody([]string{"alice"}, []string{"ops"}))
	userInUse := resp(409, apiErr("DeleteConflict.Policy.User", "The policy CAN NOT been attached to any user while deleting the policy."))

	f := newFake(t)
	f.on("ListPolicyVersions", seq(resp(200, versionsBody())))
	f.on("ListEntitiesForPolicy", seq(attached))
	f.on("DeletePolicy", seq(userInUse))
	c := newTestClient(t, f, nil)
	err := c.DeletePolicyWith(context.Background(), "p", DeletePolicyOptions{})
	var inUse *PolicyInUseError
	if !errors.As(err, &inUse) || !IsConflict(err) || len(inUse.Entities.Users) != 1 || len(inUse.Entities.Roles) != 1 {
		t.Fatalf("err = %v (%T), want a PolicyInUseError naming alice and ops", err, err)
	}
	if n := f.count("DetachPolicyFromUser") + f.count("DetachPolicyFromRole"); n != 0 {
		t.Errorf("%d detaches without DetachEverywhere, want 0", n)
	}

	f = newFake(t)
	f.on("ListPolicyVersions", seq(resp(200, versionsBody())))
	f.on("ListEntitiesForPolicy", seq(attached, resp(200, entitiesBody(nil, nil))))
	f.on("DeletePolicy", seq(userInUse, ok))
	c = newTestClient(t, f, nil)
	if err := c.DeletePolicyWith(context.Background(), "p", DeletePolicyOptions{DetachEverywhere: true}); err != nil {
		t.Fatalf("DeletePolicyWith(DetachEverywhere): %v", err)
	}
	if f.count("DetachPolicyFromUser") != 1 || f.count("DetachPolicyFromRole") != 1 || f.last("DetachPolicyFromUser").Get("UserName") != "alice" {
		t.Errorf("detaches: user %d, role %d; want one each", f.count("DetachPolicyFromUser"), f.count("DetachPolicyFromRole"))
	}
}

var userPolicyInUse = resp(409, apiErr("DeleteConflict.User.Policy", "The user CAN NOT has any attached policy while deleting the user."))

// TestDeleteUserWithNamesDependents: without RemoveDependents, a policy RAM lists as attached fails the
// delete at once, naming it, and nothing is removed.
func TestDeleteUserWithNamesDependents(t *testing.T) {
	f, c := deleteFake(t, "DeleteUser", "ListPoliciesForUser", []string{"ReadOnlyAccess"}, userPolicyInUse)
	err := c.DeleteUserWith(context.Background(), "u", DeleteUserOptions{})
	var blocked *UserHasDependentsError
	if !errors.As(err, &blocked) || !IsConflict(err) || len(blocked.Dependents) != 1 || blocked.Dependents[0] != "System policy ReadOnlyAccess" {
		t.Fatalf("err = %v (%T), want a UserHasDependentsError naming ReadOnlyAccess", err, err)
	}
	if n := f.count("DetachPolicyFromUser") + f.count("DeleteAccessKey") + f.count("DeleteLoginProfile"); n != 0 {
		t.Errorf("%d removals without RemoveDependents, want 0", n)
	}
}

// TestDeleteUserWithWaitsOutUnseenUser: reads that still say the user does not exist (created moments ago
// by another process) while the delete answers a conflict are RAM's lag: the dependent is removed once the
// reads show it, and the user is deleted.
func TestDeleteUserWithWaitsOutUnseenUser(t *testing.T) {
	f := newFake(t)
	f.on("ListAccessKeys", seq(notFound("User"), notFound("User"),
		resp(200, map[string]any{"RequestId": "R", "AccessKeys": map[string]any{"AccessKey": []map[string]any{{"AccessKeyId": "LTAIk1", "Status": "Active"}}}}),
		resp(200, map[string]any{"RequestId": "R", "AccessKeys": map[string]any{"AccessKey": []map[string]any{}}})))
	f.on("DeleteLoginProfile", seq(notFound("User.LoginProfile")))
	f.on("ListPoliciesForUser", seq(notFound("User")))
	keyInUse := resp(409, apiErr("DeleteConflict.User.AccessKey", "The user CAN NOT has any access keys while deleting the user."))
	f.on("DeleteUser", seq(keyInUse, keyInUse, ok))
	c := newTestClient(t, f, nil)
	if err := c.DeleteUserWith(context.Background(), "u", DeleteUserOptions{RemoveDependents: true}); err != nil {
		t.Fatalf("DeleteUserWith: %v", err)
	}
	if f.count("DeleteAccessKey") != 1 || f.last("DeleteAccessKey").Get("UserAccessKeyId") != "LTAIk1" {
		t.Errorf("DeleteAccessKey calls = %d, want one for LTAIk1", f.count("DeleteAccessKey"))
	}
	if n := f.count("DeleteUser"); n != 3 {
		t.Errorf("DeleteUser attempts = %d, want 3", n)
	}
}

// TestDeleteUserWithGroupsAndMFA: RemoveDependents ends every group membership and unbinds and deletes the
// MFA device before the delete; a membership or device someone else removed meanwhile counts as removed.
func TestDeleteUserWithGroupsAndMFA(t *testing.T) {
	f := newFake(t)
	empty := map[string]any{"RequestId": "R", "AccessKeys": map[string]any{"AccessKey": []map[string]any{}}}
	f.on("ListAccessKeys", seq(resp(200, empty)))
	f.on("DeleteLoginProfile", seq(notFound("User.LoginProfile")))
	f.on("ListPoliciesForUser", seq(resp(200, attachedBody())))
	f.on("ListGroupsForUser", seq(resp(200, map[string]any{"RequestId": "R", "Groups": map[string]any{"Group": []map[string]any{
		{"GroupName": "admins"}, {"GroupName": "ops"}}}})))
	f.on("RemoveUserFromGroup", seq(ok, notFound("User.Group")))
	f.on("GetUserMFAInfo", seq(resp(200, map[string]any{"RequestId": "R", "MFADevice": map[string]any{
		"SerialNumber": "acs:ram::1000000000000002:mfa/u", "Type": "VMFA"}})))
	f.on("UnbindMFADevice", seq(notFound("User.MFADevice")))
	f.on("DeleteVirtualMFADevice", seq(notFound("VirtualMFADevice")))
	f.on("DeleteUser", seq(ok))
	c := newTestClient(t, f, nil)
	if err := c.DeleteUserWith(context.Background(), "u", DeleteUserOptions{RemoveDependents: true}); err != nil {
		t.Fatalf("DeleteUserWith: %v", err)
	}
	if n := f.count("RemoveUserFromGroup"); n != 2 || f.last("RemoveUserFromGroup").Get("GroupName") != "ops" {
		t.Errorf("RemoveUserFromGroup calls = %d, want admins then ops", n)
	}
	if f.count("UnbindMFADevice") != 1 || f.last("DeleteVirtualMFADevice").Get("SerialNumber") != "acs:ram::1000000000000002:mfa/u" {
		t.Errorf("MFA: unbind %d, delete %q; want the device unbound and deleted", f.count("UnbindMFADevice"), f.last("DeleteVirtualMFADevice").Get("SerialNumber"))
	}
	if n := f.count("DeleteUser"); n != 1 {
		t.Errorf("DeleteUser attempts = %d, want 1", n)
	}

	// Without RemoveDependents the MFA device is named, and stays.
	f = newFake(t)
	f.on("DeleteUser", seq(resp(409, apiErr("DeleteConflict.User.MFADevice", "The user CAN NOT has any MFA device while deleting the user."))))
	f.on("GetUserMFAInfo", seq(resp(200, map[string]any{"RequestId": "R", "MFADevice": map[string]any{
		"SerialNumber": "acs:ram::1000000000000002:mfa/u", "Type": "VMFA"}})))
	c = newTestClient(t, f, nil)
	err := c.DeleteUserWith(context.Background(), "u", DeleteUserOptions{})
	var blocked *UserHasDependentsError
	if !errors.As(err, &blocked) || len(blocked.Dependents) != 1 || blocked.Dependents[0] != "MFA device acs:ram::1000000000000002:mfa/u" {
		t.Fatalf("err = %v (%T), want a UserHasDependentsError naming the device", err, err)
	}
	if n := f.count("UnbindMFADevice") + f.count("DeleteVirtualMFADevice"); n != 0 {
		t.Errorf("%d MFA removals without RemoveDependents, want 0", n)
	}
}
