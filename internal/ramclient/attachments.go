package ramclient

import (
	"context"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

func attachedFrom(ps []ram.Policy) []AttachedPolicy {
	out := make([]AttachedPolicy, 0, len(ps))
	for _, p := range ps {
		out = append(out, AttachedPolicy{Name: p.PolicyName, Type: p.PolicyType, Description: p.Description,
			DefaultVersion: p.DefaultVersion, AttachDate: p.AttachDate})
	}
	return out
}

// FindAttached returns the policy of this type and name among attached, or nil. RAM compares policy names
// and types without regard to case.
func FindAttached(attached []AttachedPolicy, policyType, policyName string) *AttachedPolicy {
	for i := range attached {
		if strings.EqualFold(attached[i].Type, policyType) && strings.EqualFold(attached[i].Name, policyName) {
			return &attached[i]
		}
	}
	return nil
}

func attachMember(policyType, policyName string) string {
	return strings.ToLower(orCustom(policyType) + "/" + policyName)
}

// attachNotFoundRetry: an attach right after our own create of either side may see NotFound.
func (c *Client) attachNotFoundRetry(principalKind, principalKey, policyName string) func(error) bool {
	return func(err error) bool {
		return (notFoundOf(err, principalKind) && c.track.recentlyCreated(principalKey)) ||
			(notFoundOf(err, "Policy") && c.track.recentlyCreated(policyKey(policyName)))
	}
}

// ListPoliciesForRole lists the policies attached to a role. Calls are coalesced per role (concurrent
// callers share one API call; the result lives a few seconds and any write to the role's attachments
// drops it). Right after our own attach, a list that does not show it yet is re-read for a bounded window.
func (c *Client) ListPoliciesForRole(ctx context.Context, roleName string) ([]AttachedPolicy, error) {
	return c.listAttached(ctx, "ListPoliciesForRole", "Role", roleKey(roleName), rolePoliciesKey(roleName), roleName)
}

// ListPoliciesForUser is ListPoliciesForRole for users.
func (c *Client) ListPoliciesForUser(ctx context.Context, userName string) ([]AttachedPolicy, error) {
	return c.listAttached(ctx, "ListPoliciesForUser", "User", userKey(userName), userPoliciesKey(userName), userName)
}

func (c *Client) listAttached(ctx context.Context, action, kind, entityKey, listKey, name string) ([]AttachedPolicy, error) {
	call := func(fctx context.Context) ([]AttachedPolicy, error) {
		var res []AttachedPolicy
		err := c.callRAM(fctx, action, map[string]string{kind + "Name": name}, nil, func(rc *ram.Client) (responses.AcsResponse, error) {
			if kind == "Role" {
				req := ram.CreateListPoliciesForRoleRequest()
				req.RoleName = name
				resp, err := rc.ListPoliciesForRole(req)
				if err == nil {
					res = attachedFrom(resp.Policies.Policy)
				}
				return resp, err
			}
			req := ram.CreateListPoliciesForUserRequest()
			req.UserName = name
			resp, err := rc.ListPoliciesForUser(req)
			if err == nil {
				res = attachedFrom(resp.Policies.Policy)
			}
			return resp, err
		})
		return res, err
	}
	errStale := &APIError{Code: "stale"}
	isStale := func(err error) bool { return err == errStale }
	// missing: the list lacks a member we (or an earlier process, see RecentlyCreated) added recently.
	missing := func(list []AttachedPolicy) bool {
		return c.track.missingPending(listKey, func(member string) bool {
			for _, p := range list {
				if attachMember(p.Type, p.Name) == member {
					return true
				}
			}
			return false
		})
	}
	// The waits for a lagging principal or attachment run inside the shared call, so the attachments of one
	// role read in parallel share the retries too, not only the first call.
	fetch := func(fctx context.Context) (any, error) {
		var res []AttachedPolicy
		err := c.afterCreate(fctx, kind, entityKey, func() error {
			return c.settle(fctx, func() error {
				list, err := call(fctx)
				if err != nil {
					return err
				}
				res = list
				if missing(list) {
					return errStale
				}
				return nil
			}, isStale)
		})
		if isStale(err) {
			err = nil // window over: what RAM shows
		}
		return res, err
	}
	var out []AttachedPolicy
	err := c.settle(ctx, func() error {
		v, err := c.cache.get(ctx, listKey, c.cacheTTL, fetch)
		if err != nil {
			return err
		}
		list := v.([]AttachedPolicy)
		out = append([]AttachedPolicy(nil), list...)
		if missing(list) {
			// A member recorded after this result was fetched: read again.
			c.cache.invalidate(listKey)
			return errStale
		}
		return nil
	}, isStale)
	if isStale(err) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AttachPolicyToRole attaches a policy to a role.
func (c *Client) AttachPolicyToRole(ctx context.Context, roleName, policyType, policyName string) error {
	return c.attachPolicy(ctx, "Role", roleName, policyType, policyName)
}

// AttachPolicyToUser attaches a policy to a user.
func (c *Client) AttachPolicyToUser(ctx context.Context, userName, policyType, policyName string) error {
	return c.attachPolicy(ctx, "User", userName, policyType, policyName)
}

// DetachPolicyFromRole detaches a policy from a role.
func (c *Client) DetachPolicyFromRole(ctx context.Context, roleName, policyType, policyName string) error {
	return c.detachPolicy(ctx, "Role", roleName, policyType, policyName)
}

// DetachPolicyFromUser detaches a policy from a user.
func (c *Client) DetachPolicyFromUser(ctx context.Context, userName, policyType, policyName string) error {
	return c.detachPolicy(ctx, "User", userName, policyType, policyName)
}

// principalKeys are the tracker key of a role or user (kind "Role" | "User") and the cache key of its
// attachment list.
func principalKeys(kind, name string) (entity, list string) {
	if kind == "Role" {
		return roleKey(name), rolePoliciesKey(name)
	}
	return userKey(name), userPoliciesKey(name)
}

// attachmentCall is what an attach and a detach start from: the policy type ("" is Custom), the principal's
// keys (principalKeys) and the parameters of RAM's call.
func attachmentCall(kind, name, policyType, policyName string) (pType, entity, list string, params map[string]string) {
	pType = orCustom(policyType)
	entity, list = principalKeys(kind, name)
	return pType, entity, list, map[string]string{kind + "Name": name, "PolicyType": pType, "PolicyName": policyName}
}

// attachPolicy attaches a policy to a role or user (kind "Role" | "User"). Right after our own create of
// either side, NotFound is retried for a bounded window. An attachment is a fact, not an entity: when RAM
// says it exists already (an interrupted apply made it, or this call's own attempt whose answer was lost),
// the goal is reached and the attach succeeds.
func (c *Client) attachPolicy(ctx context.Context, kind, name, policyType, policyName string) error {
	policyType, entity, list, params := attachmentCall(kind, name, policyType, policyName)
	defer c.cache.invalidate(list)
	err := c.settle(ctx, func() error {
		_, err := c.write(ctx, "AttachPolicyTo"+kind, params, nil, true, func(rc *ram.Client) (responses.AcsResponse, error) {
			if kind == "Role" {
				req := ram.CreateAttachPolicyToRoleRequest()
				req.RoleName, req.PolicyType, req.PolicyName = name, policyType, policyName
				return rc.AttachPolicyToRole(req)
			}
			req := ram.CreateAttachPolicyToUserRequest()
			req.UserName, req.PolicyType, req.PolicyName = name, policyType, policyName
			return rc.AttachPolicyToUser(req)
		})
		return err
	}, c.attachNotFoundRetry(kind, entity, policyName))
	if IsAlreadyExists(err) {
		err = nil
	}
	if err == nil {
		c.track.addPending(list, attachMember(policyType, policyName))
	}
	return err
}

// detachPolicy detaches a policy from a role or user (kind "Role" | "User"), and records the removal on
// both sides for the deletes that follow.
func (c *Client) detachPolicy(ctx context.Context, kind, name, policyType, policyName string) error {
	policyType, entity, list, params := attachmentCall(kind, name, policyType, policyName)
	defer c.cache.invalidate(list)
	err := c.callRAM(ctx, "DetachPolicyFrom"+kind, params, nil, func(rc *ram.Client) (responses.AcsResponse, error) {
		if kind == "Role" {
			req := ram.CreateDetachPolicyFromRoleRequest()
			req.RoleName, req.PolicyType, req.PolicyName = name, policyType, policyName
			return rc.DetachPolicyFromRole(req)
		}
		req := ram.CreateDetachPolicyFromUserRequest()
		req.UserName, req.PolicyType, req.PolicyName = name, policyType, policyName
		return rc.DetachPolicyFromUser(req)
	})
	member := attachMember(policyType, policyName)
	c.track.dropPending(list, member)
	if err == nil || IsNotFound(err) {
		c.track.markRemoved(entity, "policy:"+member)
		c.track.markRemoved(policyKey(policyName), strings.ToLower(kind)+":"+name)
	}
	return err
}
