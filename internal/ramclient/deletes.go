package ramclient

import (
	"context"
	"fmt"
	"sync"
)

// The deletes a resource's destroy makes: they wait out RAM's stale view of what blocks a delete, clear
// what the caller allows them to clear, and otherwise say what still blocks it. Every wait lives here, so
// a resource calls one of these once and interprets the result.

// refusedDelete is what the refusals of these deletes share: each wraps RAM's DeleteConflict, so
// IsConflict holds, and says it.
type refusedDelete struct{ conflict error }

func (e refusedDelete) Error() string { return e.conflict.Error() }
func (e refusedDelete) Unwrap() error { return e.conflict }

// DeleteRoleOptions says what DeleteRoleWith may do about policies attached to the role.
type DeleteRoleOptions struct {
	// DetachPolicies detaches every policy attached to the role before deleting it, and again whenever the
	// delete finds one attached (attached concurrently), until the consistency window ends. Without it, a
	// policy RAM lists as attached fails the delete with a *RoleHasPoliciesError.
	DetachPolicies bool
}

// RoleHasPoliciesError is DeleteRoleWith's refusal: RAM lists these policies as still attached to the
// role. It wraps RAM's DeleteConflict, so IsConflict holds.
type RoleHasPoliciesError struct {
	Role     string
	Policies []AttachedPolicy
	refusedDelete
}

// DeleteRoleWith deletes a role for good. A DeleteConflict while RAM lists no attached policy is its view
// lagging behind a detach (ours or anyone's): the delete is retried with backoff for the consistency window,
// and if the conflict outlasts it, that conflict is returned. A role already gone is a NotFound error.
func (c *Client) DeleteRoleWith(ctx context.Context, name string, opts DeleteRoleOptions) error {
	if opts.DetachPolicies {
		if err := c.detachAllFromRole(ctx, name); err != nil {
			return err
		}
	}
	return c.deleteUnblocked(ctx, func() error { return c.DeleteRole(ctx, name) }, func(conflict error) (bool, error) {
		c.cache.invalidate(rolePoliciesKey(name))
		attached, err := c.ListPoliciesForRole(ctx, name)
		if IsNotFound(err) {
			return false, err
		}
		var detach func() error
		if opts.DetachPolicies {
			detach = func() error { return c.detachAllFromRole(ctx, name) }
		}
		return unblockListed(conflict, err, len(attached), func() error {
			return &RoleHasPoliciesError{Role: name, Policies: attached, refusedDelete: refusedDelete{conflict}}
		}, detach)
	})
}

// detachAllFromRole detaches every policy attached to the role; a policy already detached is fine.
func (c *Client) detachAllFromRole(ctx context.Context, name string) error {
	attached, err := c.ListPoliciesForRole(ctx, name)
	return removeEach(attached, err, func(p AttachedPolicy) error {
		return c.DetachPolicyFromRole(ctx, name, p.Type, p.Name)
	}, IsNotFound, detachingPolicy)
}

// detachingPolicy names an attached policy in the error of a failed detach.
func detachingPolicy(p AttachedPolicy) string {
	return fmt.Sprintf("detaching %s policy %q", p.Type, p.Name)
}

// removeEach removes every item a list returned (err, the list's error, is returned as it is): an item
// already gone (gone holds for remove's error) is fine; another failure ends it, named by what.
func removeEach[T any](items []T, err error, remove func(T) error, gone func(error) bool, what func(T) string) error {
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := remove(it); err != nil && !gone(err) {
			return fmt.Errorf("%s: %w", what(it), err)
		}
	}
	return nil
}

// describeEach names every item a list returned, as a *HasDependentsError lists them; err, the list's
// error, is returned with them.
func describeEach[T any](items []T, err error, what func(T) string) ([]string, error) {
	var held []string
	for _, it := range items {
		held = append(held, what(it))
	}
	return held, err
}

// DeletePolicyOptions says what DeletePolicyWith may do about the principals a policy is attached to.
type DeletePolicyOptions struct {
	// DetachEverywhere detaches the policy from every user and role RAM lists it attached to, then deletes
	// it: for a policy only its owner attaches. A group attachment still fails the delete. Without it, any
	// attachment RAM lists fails the delete with a *PolicyInUseError.
	DetachEverywhere bool
}

// PolicyInUseError is DeletePolicyWith's refusal: RAM lists the policy as attached to these principals. It
// wraps RAM's DeleteConflict, so IsConflict holds.
type PolicyInUseError struct {
	Policy   string
	Entities PolicyEntities
	refusedDelete
}

// DeletePolicyWith deletes a custom policy with all its versions: the non-default versions first (RAM
// refuses otherwise), again when one was added concurrently. A DeleteConflict while RAM lists the policy
// attached nowhere is its view lagging behind a detach: the delete is retried with backoff for the
// consistency window, and if the conflict outlasts it, that conflict is returned. A policy already gone is a
// NotFound error.
//
// Reads may not show a policy created moments ago (by another process: Terraform runs the destroy in a new
// one), while the delete, a write, sees it: a NotFound from a read is therefore no proof that the policy is
// gone, only the delete's own NotFound is, and a read's NotFound after a DeleteConflict (which proves the
// policy exists) is RAM's lag, waited out like an empty list.
func (c *Client) DeletePolicyWith(ctx context.Context, name string, opts DeletePolicyOptions) error {
	if err := c.deleteNonDefaultVersions(ctx, name); err != nil && !IsNotFound(err) {
		return err
	}
	return c.deleteUnblocked(ctx, func() error { return c.DeletePolicy(ctx, name) }, func(conflict error) (bool, error) {
		if HasCode(conflict, "DeleteConflict.Policy.Version") {
			if err := c.deleteNonDefaultVersions(ctx, name); err != nil && !IsNotFound(err) {
				return false, err
			}
			return true, nil
		}
		ents, err := c.ListEntitiesForPolicy(ctx, name, PolicyTypeCustom)
		n := 0
		var detach func() error
		if err == nil {
			n = len(ents.Users) + len(ents.Roles) + len(ents.Groups)
			if opts.DetachEverywhere && len(ents.Groups) == 0 {
				detach = func() error { return c.detachEverywhere(ctx, name, ents) }
			}
		}
		return unblockListed(conflict, err, n, func() error {
			return &PolicyInUseError{Policy: name, Entities: *ents, refusedDelete: refusedDelete{conflict}}
		}, detach)
	})
}

// detachEverywhere detaches a custom policy from the users and roles RAM lists it attached to; an
// attachment already gone is fine.
func (c *Client) detachEverywhere(ctx context.Context, name string, ents *PolicyEntities) error {
	err := removeEach(ents.Users, nil, func(u string) error {
		return c.DetachPolicyFromUser(ctx, u, PolicyTypeCustom, name)
	}, IsNotFound, func(u string) string { return fmt.Sprintf("detaching it from user %q", u) })
	if err != nil {
		return err
	}
	return removeEach(ents.Roles, nil, func(r string) error {
		return c.DetachPolicyFromRole(ctx, r, PolicyTypeCustom, name)
	}, IsNotFound, func(r string) string { return fmt.Sprintf("detaching it from role %q", r) })
}

// deleteNonDefaultVersions deletes every version of a custom policy but the default; a version already
// gone is fine, a policy gone is a NotFound error.
func (c *Client) deleteNonDefaultVersions(ctx context.Context, name string) error {
	versions, err := c.ListPolicyVersions(ctx, name, PolicyTypeCustom)
	return removeEach(versions, err, func(v PolicyVersion) error {
		if v.IsDefault {
			return nil
		}
		return c.DeletePolicyVersion(ctx, name, v.ID)
	}, IsNotFound, func(v PolicyVersion) string { return "deleting version " + v.ID })
}

// deleteUnblocked runs del until it succeeds or fails with anything but a DeleteConflict. After each
// conflict, unblock looks at what blocks the delete and says whether to try again: it found nothing listed
// (RAM's view lags), or it cleared what was listed (then its error says what that was, returned if the
// window ends before the delete succeeds); or it gives the error to end with. Tries are bounded by the
// consistency window and ctx.
func (c *Client) deleteUnblocked(ctx context.Context, del func() error, unblock func(conflict error) (again bool, err error)) error {
	var final, cleared error
	err := c.settle(ctx, del, func(err error) bool {
		if !IsConflict(err) {
			return false
		}
		again, uerr := unblock(err)
		if !again {
			final = uerr
			return false
		}
		cleared = uerr
		return true
	})
	switch {
	case final != nil:
		return final
	case cleared != nil && IsConflict(err):
		return cleared
	}
	return err
}

// unblockListed is the unblock of a delete that RAM blocks with things it lists: listErr and n are what the
// list after the conflict gave. A NotFound list (reads lag behind a create made moments ago by another
// process; the conflict proves the entity exists) or an empty one is RAM's view lagging: try again. Another
// list error ends with the conflict. Otherwise refusal says what blocks the delete: the error to end with
// when clear is nil (the caller does not allow it), or, once clear removed it, the error to end with if the
// window ends first.
func unblockListed(conflict, listErr error, n int, refusal func() error, clear func() error) (bool, error) {
	switch {
	case IsNotFound(listErr):
		return true, nil
	case listErr != nil:
		return false, conflict
	case n == 0:
		return true, nil
	}
	blocked := refusal()
	if clear == nil {
		return false, blocked
	}
	if err := clear(); err != nil {
		return false, err
	}
	return true, blocked
}

// DeleteUserOptions says what DeleteUserWith may remove of what blocks a user's delete.
type DeleteUserOptions struct {
	// RemoveDependents revokes everything the user holds before deleting it, all kinds at once: its
	// AccessKeys (what a leaked secret would use), its console login profile, its attached policies, its group
	// memberships and its MFA device (unbound, then deleted); and again whenever the delete finds one RAM
	// still lists (made concurrently, or not shown to the first reads). Without it, a dependent RAM lists
	// fails the delete with a *UserHasDependentsError.
	RemoveDependents bool
}

// UserHasDependentsError is DeleteUserWith's refusal: RAM lists these as still held by the user
// ("AccessKey <id>", "login profile", "<Type> policy <name>", "group <name>", "MFA device <serial>"). It
// wraps RAM's DeleteConflict, so IsConflict holds.
type UserHasDependentsError struct {
	User       string
	Dependents []string
	refusedDelete
}

// userDependent is one kind of thing that blocks DeleteUser: the conflict RAM answers for it, how to list
// what the user holds of it, and how to remove all of it (what is already gone counts as removed).
type userDependent struct {
	conflict string
	list     func(ctx context.Context, user string) ([]string, error)
	remove   func(ctx context.Context, user string) error
}

// userDependents in the order DeleteUser checks them (RAM's catalogue), which is also the order in which
// DeleteUserWith reports removal errors.
func (c *Client) userDependents() []userDependent {
	return []userDependent{
		{"DeleteConflict.User.AccessKey", c.listAccessKeyDependents, c.removeAccessKeys},
		{"DeleteConflict.User.LoginProfile", c.listLoginProfileDependent, c.removeLoginProfile},
		{"DeleteConflict.User.Policy", c.listPolicyDependents, c.detachAllFromUser},
		{"DeleteConflict.User.Group", c.listGroupDependents, c.removeFromAllGroups},
		{"DeleteConflict.User.MFADevice", c.listMFADependent, c.removeMFADevice},
	}
}

// DeleteUserWith deletes a user for good. RAM answers one DeleteConflict code per kind of dependent; after
// each, the dependents of that kind are listed (and removed, with RemoveDependents) and the delete is tried
// again. A conflict while RAM lists none of that kind, or while the lists still say the user does not
// exist (reads may lag behind a create made moments ago by another process; the conflict proves the user
// exists), is RAM's view lagging: the delete is retried with backoff for the consistency window, and if the
// conflict outlasts it, that conflict is returned. A user already gone is a NotFound error.
func (c *Client) DeleteUserWith(ctx context.Context, name string, opts DeleteUserOptions) error {
	deps := c.userDependents()
	if opts.RemoveDependents {
		// Every kind at once: no removal needs another, and none waits behind the rest (the AccessKeys start
		// no later than when they went first). The first error in RAM's order is the answer.
		// On an account that has not shown it takes the extra concurrency (MayOverlap), one after the other.
		errs := make([]error, len(deps))
		var wg sync.WaitGroup
		overlap := c.MayOverlap()
		for i, d := range deps {
			remove := func() {
				if err := d.remove(ctx, name); err != nil && !IsNotFound(err) {
					errs[i] = err
				}
			}
			if overlap {
				wg.Go(remove)
			} else {
				remove()
			}
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	return c.deleteUnblocked(ctx, func() error { return c.DeleteUser(ctx, name) }, func(conflict error) (bool, error) {
		var dep *userDependent
		for i := range deps {
			if HasCode(conflict, deps[i].conflict) {
				dep = &deps[i]
			}
		}
		if dep == nil {
			return false, conflict
		}
		held, err := dep.list(ctx, name)
		var remove func() error
		if opts.RemoveDependents {
			remove = func() error {
				if err := dep.remove(ctx, name); !IsNotFound(err) {
					return err
				}
				return nil
			}
		}
		return unblockListed(conflict, err, len(held), func() error {
			return &UserHasDependentsError{User: name, Dependents: held, refusedDelete: refusedDelete{conflict}}
		}, remove)
	})
}

func (c *Client) listAccessKeyDependents(ctx context.Context, name string) ([]string, error) {
	c.cache.invalidate(accessKeysKey(name))
	keys, err := c.ListAccessKeys(ctx, name)
	return describeEach(keys, err, func(k AccessKey) string { return "AccessKey " + k.ID })
}

func (c *Client) listLoginProfileDependent(ctx context.Context, name string) ([]string, error) {
	c.cache.invalidate(loginCacheKey(name))
	if _, err := c.GetLoginProfile(ctx, name); err != nil {
		if notFoundOf(err, "User.LoginProfile") {
			return nil, nil
		}
		return nil, err
	}
	return []string{"login profile"}, nil
}

func (c *Client) listPolicyDependents(ctx context.Context, name string) ([]string, error) {
	c.cache.invalidate(userPoliciesKey(name))
	attached, err := c.ListPoliciesForUser(ctx, name)
	return describeEach(attached, err, func(p AttachedPolicy) string { return p.Type + " policy " + p.Name })
}

// removeAccessKeys deletes every AccessKey of the user (also ones made outside Terraform); a key already
// deleted is fine.
func (c *Client) removeAccessKeys(ctx context.Context, name string) error {
	keys, err := c.ListAccessKeys(ctx, name)
	return removeEach(keys, err, func(k AccessKey) error {
		return c.DeleteAccessKey(ctx, name, k.ID)
	}, IsNotFound, func(k AccessKey) string { return "deleting AccessKey " + k.ID })
}

// removeLoginProfile deletes the user's console login profile; one already gone is fine.
func (c *Client) removeLoginProfile(ctx context.Context, name string) error {
	if err := c.DeleteLoginProfile(ctx, name); err != nil && !notFoundOf(err, "User.LoginProfile") {
		return err
	}
	return nil
}

// detachAllFromUser detaches every policy attached to the user; a policy already detached is fine.
func (c *Client) detachAllFromUser(ctx context.Context, name string) error {
	attached, err := c.ListPoliciesForUser(ctx, name)
	return removeEach(attached, err, func(p AttachedPolicy) error {
		return c.DetachPolicyFromUser(ctx, name, p.Type, p.Name)
	}, IsNotFound, detachingPolicy)
}

func (c *Client) listGroupDependents(ctx context.Context, name string) ([]string, error) {
	c.cache.invalidate(userGroupsKey(name))
	groups, err := c.ListGroupsForUser(ctx, name)
	return describeEach(groups, err, func(g string) string { return "group " + g })
}

// removeFromAllGroups ends every group membership of the user; one already ended is fine.
func (c *Client) removeFromAllGroups(ctx context.Context, name string) error {
	groups, err := c.ListGroupsForUser(ctx, name)
	return removeEach(groups, err, func(g string) error {
		return c.RemoveUserFromGroup(ctx, g, name)
	}, IsNotInGroup, func(g string) string { return fmt.Sprintf("removing it from group %q", g) })
}

func (c *Client) listMFADependent(ctx context.Context, name string) ([]string, error) {
	d, err := c.GetUserMFAInfo(ctx, name)
	switch {
	case IsNoMFADevice(err):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return []string{"MFA device " + d.SerialNumber}, nil
}

// removeMFADevice unbinds the user's MFA device and, a virtual one, deletes it: a device is the user's
// second factor and nobody else's (RAM binds one device to one user), so it goes with the user. Only a
// virtual device is an entity of the account (DeleteVirtualMFADevice); another kind (a U2F security key)
// is only unbound. No device, a device unbound or deleted meanwhile: fine.
func (c *Client) removeMFADevice(ctx context.Context, name string) error {
	d, err := c.GetUserMFAInfo(ctx, name)
	switch {
	case IsNoMFADevice(err):
		return nil
	case err != nil:
		return err
	}
	if _, err := c.UnbindMFADevice(ctx, name); err != nil && !IsNoMFADevice(err) {
		return fmt.Errorf("unbinding MFA device %s: %w", d.SerialNumber, err)
	}
	if d.Type != "" && d.Type != MFATypeVirtual {
		return nil
	}
	if err := c.DeleteVirtualMFADevice(ctx, d.SerialNumber); err != nil && !IsMFADeviceNotFound(err) {
		return fmt.Errorf("deleting MFA device %s: %w", d.SerialNumber, err)
	}
	return nil
}
