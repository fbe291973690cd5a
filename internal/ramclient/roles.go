package ramclient

import (
	"context"
	"strconv"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

func roleFrom(r ram.Role) *Role {
	return &Role{ID: r.RoleId, Name: r.RoleName, ARN: r.Arn, Description: r.Description,
		TrustPolicy: r.AssumeRolePolicyDocument, MaxSessionDuration: r.MaxSessionDuration,
		CreateDate: r.CreateDate, UpdateDate: r.UpdateDate}
}

// afterCreate retries NotFound of entity kind/key while we created it recently and no read has seen it.
func (c *Client) afterCreate(ctx context.Context, kind, key string, op func() error) error {
	err := c.settle(ctx, op, func(err error) bool {
		return notFoundOf(err, kind) && c.track.recentlyCreated(key)
	})
	if err == nil {
		c.track.seen(key)
	}
	return err
}

// CreateRole creates a role, with its tags and in.Marker's tag in the same call (RAM's Tag parameter, which
// the v1 SDK's typed request lacks: the call goes out as a CommonRequest). A role of that name that exists
// already (left by an interrupted apply, or made by this call's own attempt whose answer was lost) is adopted
// when it carries the marker this call writes: the result is that role as RAM shows it, with Adopted set and
// Tags read back. Any other existing role is a *NotCreatedHereError (a plain EntityAlreadyExists without a
// marker).
func (c *Client) CreateRole(ctx context.Context, in CreateRoleInput) (*Role, error) {
	params := map[string]string{"RoleName": in.Name, "AssumeRolePolicyDocument": in.TrustPolicy, "Description": in.Description,
		"Tag": withMarker(in.Tags, in.Marker.value(in.Name))}
	if in.MaxSessionDuration > 0 {
		params["MaxSessionDuration"] = strconv.FormatInt(in.MaxSessionDuration, 10)
	}
	return createMarked[roleAnswer](ctx, c, "CreateRole", params, roleKey(in.Name), in.Marker.Owner != "",
		func() { c.cache.invalidate(getRoleKey(in.Name), rolePoliciesKey(in.Name)) },
		func(exists error) (*Role, error) { return c.adoptRole(ctx, in, exists) })
}

// adoptRole takes over the existing role a CreateRole met, if it carries in's marker.
func (c *Client) adoptRole(ctx context.Context, in CreateRoleInput, exists error) (*Role, error) {
	return adoptMarked(ctx, c, "role", in.Name, roleKey(in.Name), in.Marker.value(in.Name), exists,
		func() (*Role, error) { return c.GetRole(ctx, in.Name) },
		func(r *Role, tags map[string]string) { r.Adopted, r.Tags = true, UserTags(tags) })
}

// GetRole reads a role. Right after our own CreateRole, NotFound is retried for a bounded window.
func (c *Client) GetRole(ctx context.Context, name string) (*Role, error) {
	return getEntity(ctx, c, "Role", roleKey(name), getRoleKey(name), "GetRole", map[string]string{"RoleName": name},
		typedReq(ram.CreateGetRoleRequest, (*ram.Client).GetRole, func(req *ram.GetRoleRequest) { req.RoleName = name }),
		func(resp *ram.GetRoleResponse) *Role { return roleFrom(resp.Role) })
}

// UpdateRole changes the supplied fields of a role; a Description of "" clears it (sent present and empty,
// which the typed request cannot do).
func (c *Client) UpdateRole(ctx context.Context, in UpdateRoleInput) (*Role, error) {
	params := map[string]string{"RoleName": in.Name}
	if in.TrustPolicy != nil {
		params["NewAssumeRolePolicyDocument"] = *in.TrustPolicy
	}
	if in.Description != nil {
		params["NewDescription"] = *in.Description
	}
	if in.MaxSessionDuration != nil {
		params["NewMaxSessionDuration"] = strconv.FormatInt(*in.MaxSessionDuration, 10)
	}
	defer c.cache.invalidate(getRoleKey(in.Name))
	return updateEntity[roleAnswer](ctx, c, "Role", roleKey(in.Name), "UpdateRole", params)
}

// DeleteRole deletes a role. Right after we detached its policies, DeleteConflict is retried for a
// bounded window (RAM may still see the old attachments).
func (c *Client) DeleteRole(ctx context.Context, name string) error {
	defer c.cache.invalidate(getRoleKey(name), rolePoliciesKey(name))
	err := c.settle(ctx, func() error {
		return c.callRAM(ctx, "DeleteRole", map[string]string{"RoleName": name}, nil,
			anyReq(ram.CreateDeleteRoleRequest, (*ram.Client).DeleteRole, func(req *ram.DeleteRoleRequest) { req.RoleName = name }))
	}, c.lagCheck(ctx, roleKey(name), func(ctx context.Context, _ error) ([]string, error) {
		c.cache.invalidate(rolePoliciesKey(name))
		ps, err := c.ListPoliciesForRole(ctx, name)
		if err != nil {
			return nil, err
		}
		ms := make([]string, 0, len(ps))
		for _, p := range ps {
			ms = append(ms, "policy:"+attachMember(p.Type, p.Name))
		}
		return ms, nil
	}))
	if err == nil {
		c.track.forget(roleKey(name))
		c.track.forget(rolePoliciesKey(name))
	}
	return err
}

// lagCheck returns the retry predicate for Delete*: a DeleteConflict on entity key may be replication
// lag after our own removals only if we removed dependents recently and every dependent RAM still lists
// is one of them. Anything else is a real conflict and is returned at once. The (one extra) list call
// runs on the first conflict; later conflicts inside the window reuse its verdict.
func (c *Client) lagCheck(ctx context.Context, key string, list func(ctx context.Context, err error) ([]string, error)) func(error) bool {
	var verdict *bool
	return func(err error) bool {
		if !IsConflict(err) || !c.track.onlyRemoved(key, nil) {
			return false
		}
		if verdict == nil {
			members, lerr := list(ctx, err)
			v := lerr == nil && c.track.onlyRemoved(key, members)
			verdict = &v
		}
		return *verdict
	}
}
