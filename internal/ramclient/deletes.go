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
func (c *Client) DeletePolicyWith(ctx context.Context, name string, opts DeletePolicyOptions) error {
	if err := c.deleteNonDefaultVersions(ctx, name); err != nil {
		return err
	}
	return c.deleteUnblocked(ctx, func() error { return c.DeletePolicy(ctx, name) }, func(conflict error) (bool, error) {
		if HasCode(conflict, "DeleteConflict.Policy.Version") {
			if err := c.deleteNonDefaultVersions(ctx, name); err != nil {
				return false, err
			}
			return true, nil
		}
		ents, err := c.ListEntitiesForPolicy(ctx, name, PolicyTypeCustom)
		switch {
		case IsNotFound(err):
			return false, err
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
