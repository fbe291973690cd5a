package ramclient

import (
	"context"
	"fmt"
)

// The deletes a resource's destroy makes: they wait out RAM's stale view of what blocks a delete, clear
// what the caller allows them to clear, and otherwise say what still blocks it. Every wait lives here, so
// a resource calls one of these once and interprets the result.

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
	conflict error
}

func (e *RoleHasPoliciesError) Error() string { return e.conflict.Error() }
func (e *RoleHasPoliciesError) Unwrap() error { return e.conflict }

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
		switch {
		case IsNotFound(err):
			return false, err
		case err != nil:
			return false, conflict
		case len(attached) == 0:
			return true, nil
		}
		blocked := &RoleHasPoliciesError{Role: name, Policies: attached, conflict: conflict}
		if !opts.DetachPolicies {
			return false, blocked
		}
		if err := c.detachAllFromRole(ctx, name); err != nil {
			return false, err
		}
		return true, blocked
	})
}

// detachAllFromRole detaches every policy attached to the role; a policy already detached is fine.
func (c *Client) detachAllFromRole(ctx context.Context, name string) error {
	attached, err := c.ListPoliciesForRole(ctx, name)
	if err != nil {
		return err
	}
	for _, p := range attached {
		if err := c.DetachPolicyFromRole(ctx, name, p.Type, p.Name); err != nil && !IsNotFound(err) {
			return fmt.Errorf("detaching %s policy %q: %w", p.Type, p.Name, err)
		}
	}
	return nil
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
	conflict error
}

func (e *PolicyInUseError) Error() string { return e.conflict.Error() }
func (e *PolicyInUseError) Unwrap() error { return e.conflict }

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
		switch {
		case IsNotFound(err):
			return true, nil
		case err != nil:
			return false, conflict
		case len(ents.Users)+len(ents.Roles)+len(ents.Groups) == 0:
			return true, nil
		}
		inUse := &PolicyInUseError{Policy: name, Entities: *ents, conflict: conflict}
		if !opts.DetachEverywhere || len(ents.Groups) > 0 {
			return false, inUse
		}
		for _, u := range ents.Users {
			if err := c.DetachPolicyFromUser(ctx, u, PolicyTypeCustom, name); err != nil && !IsNotFound(err) {
				return false, fmt.Errorf("detaching it from user %q: %w", u, err)
			}
		}
		for _, r := range ents.Roles {
			if err := c.DetachPolicyFromRole(ctx, r, PolicyTypeCustom, name); err != nil && !IsNotFound(err) {
				return false, fmt.Errorf("detaching it from role %q: %w", r, err)
			}
		}
		return true, inUse
	})
}

// deleteNonDefaultVersions deletes every version of a custom policy but the default; a version already
// gone is fine, a policy gone is a NotFound error.
func (c *Client) deleteNonDefaultVersions(ctx context.Context, name string) error {
	versions, err := c.ListPolicyVersions(ctx, name, PolicyTypeCustom)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if v.IsDefault {
			continue
		}
		if err := c.DeletePolicyVersion(ctx, name, v.ID); err != nil && !IsNotFound(err) {
			return fmt.Errorf("deleting version %s: %w", v.ID, err)
		}
	}
	return nil
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

// DeleteUserOptions says what DeleteUserWith may remove of what blocks a user's delete.
type DeleteUserOptions struct {
	// RemoveDependents revokes everything the user holds before deleting it: its AccessKeys (first: they
	// are what a leaked secret would use), its console login profile, its attached policies, its group
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
	conflict   error
}

func (e *UserHasDependentsError) Error() string { return e.conflict.Error() }
func (e *UserHasDependentsError) Unwrap() error { return e.conflict }

// userDependent is one kind of thing that blocks DeleteUser: the conflict RAM answers for it, how to list
// what the user holds of it, and how to remove all of it (what is already gone counts as removed).
type userDependent struct {
	conflict string
	list     func(ctx context.Context, user string) ([]string, error)
	remove   func(ctx context.Context, user string) error
}

// userDependents in the order DeleteUser checks them (RAM's catalogue), which is also the order of
// revocation: keys first.
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
		for _, d := range deps {
			if err := d.remove(ctx, name); err != nil && !IsNotFound(err) {
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
		switch {
		case IsNotFound(err):
			return true, nil
		case err != nil:
			return false, conflict
		case len(held) == 0:
			return true, nil
		}
		blocked := &UserHasDependentsError{User: name, Dependents: held, conflict: conflict}
		if !opts.RemoveDependents {
			return false, blocked
		}
		if err := dep.remove(ctx, name); err != nil && !IsNotFound(err) {
			return false, err
		}
		return true, blocked
	})
}

func (c *Client) listAccessKeyDependents(ctx context.Context, name string) ([]string, error) {
	c.cache.invalidate(accessKeysKey(name))
	keys, err := c.ListAccessKeys(ctx, name)
	var held []string
	for _, k := range keys {
		held = append(held, "AccessKey "+k.ID)
	}
	return held, err
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
	var held []string
	for _, p := range attached {
		held = append(held, p.Type+" policy "+p.Name)
	}
	return held, err
}

// removeAccessKeys deletes every AccessKey of the user (also ones made outside Terraform); a key already
// deleted is fine.
func (c *Client) removeAccessKeys(ctx context.Context, name string) error {
	keys, err := c.ListAccessKeys(ctx, name)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := c.DeleteAccessKey(ctx, name, k.ID); err != nil && !IsNotFound(err) {
			return fmt.Errorf("deleting AccessKey %s: %w", k.ID, err)
		}
	}
	return nil
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
	if err != nil {
		return err
	}
	for _, p := range attached {
		if err := c.DetachPolicyFromUser(ctx, name, p.Type, p.Name); err != nil && !IsNotFound(err) {
			return fmt.Errorf("detaching %s policy %q: %w", p.Type, p.Name, err)
		}
	}
	return nil
}

func (c *Client) listGroupDependents(ctx context.Context, name string) ([]string, error) {
	c.cache.invalidate(userGroupsKey(name))
	groups, err := c.ListGroupsForUser(ctx, name)
	var held []string
	for _, g := range groups {
		held = append(held, "group "+g)
	}
	return held, err
}

// removeFromAllGroups ends every group membership of the user; one already ended is fine.
func (c *Client) removeFromAllGroups(ctx context.Context, name string) error {
	groups, err := c.ListGroupsForUser(ctx, name)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := c.RemoveUserFromGroup(ctx, g, name); err != nil && !IsNotInGroup(err) {
			return fmt.Errorf("removing it from group %q: %w", g, err)
		}
	}
	return nil
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
