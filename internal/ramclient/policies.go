package ramclient

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

const (
	PolicyTypeCustom = "Custom"
	PolicyTypeSystem = "System"
)

func policyFrom(p ram.Policy) *Policy {
	return &Policy{Name: p.PolicyName, Type: p.PolicyType, Description: p.Description, DefaultVersion: p.DefaultVersion,
		CreateDate: p.CreateDate, UpdateDate: p.UpdateDate, AttachmentCount: int64(p.AttachmentCount), Document: p.PolicyDocument}
}

func versionFrom(v ram.PolicyVersion) PolicyVersion {
	return PolicyVersion{ID: v.VersionId, IsDefault: v.IsDefaultVersion, Document: v.PolicyDocument, CreateDate: v.CreateDate}
}

func orCustom(t string) string {
	if t == "" {
		return PolicyTypeCustom
	}
	return t
}

func (c *Client) invalidatePolicy(name string) {
	c.cache.invalidate(getPolicyKey(name, PolicyTypeCustom), getPolicyKey(name, PolicyTypeSystem))
}

// invalidatePolicyShown is invalidatePolicy for writes that change what attachment lists show of the
// policy (DefaultVersion, Description). The client does not know every principal it is attached to, so
// all cached attachment lists go.
func (c *Client) invalidatePolicyShown(name string) {
	c.invalidatePolicy(name)
	c.cache.invalidatePrefix(attachmentListsPrefix)
}

// CreatePolicy creates a custom policy, with its tags and in.Marker's tag in the same call (a CommonRequest:
// the v1 SDK's typed request has no Tag). An existing policy of that name is adopted when it carries the
// marker this call writes (Adopted set, Document its default version's, Tags and BoundUserID read back);
// any other is a *NotCreatedHereError (a plain EntityAlreadyExists without a marker). See CreateRole.
func (c *Client) CreatePolicy(ctx context.Context, in CreatePolicyInput) (*Policy, error) {
	params := map[string]string{"PolicyName": in.Name, "PolicyDocument": in.Document, "Description": in.Description,
		"Tag": withMarker(in.Tags, in.Marker.value(in.Name))}
	out, err := createMarked[policyAnswer](ctx, c, "CreatePolicy", params, policyKey(in.Name), in.Marker.Owner != "",
		func() { c.invalidatePolicy(in.Name) },
		func(exists error) (*Policy, error) { return c.adoptPolicy(ctx, in, exists) })
	if err == nil && !out.Adopted && out.Document == "" {
		out.Document = in.Document // the answer may leave the document out
	}
	return out, err
}

// adoptPolicy takes over the existing policy a CreatePolicy met, if it carries in's marker.
func (c *Client) adoptPolicy(ctx context.Context, in CreatePolicyInput, exists error) (*Policy, error) {
	return adoptMarked(ctx, c, "policy", in.Name, policyKey(in.Name), in.Marker.value(in.Name), exists,
		func() (*Policy, error) { return c.GetPolicy(ctx, in.Name, PolicyTypeCustom) },
		func(p *Policy, tags map[string]string) {
			p.Adopted, p.Tags, p.BoundUserID = true, UserTags(tags), tags[WitnessUserIDTagKey]
		})
}

// GetPolicy reads a policy; Document is the default version's document. policyType "" means Custom.
func (c *Client) GetPolicy(ctx context.Context, name, policyType string) (*Policy, error) {
	policyType = orCustom(policyType)
	return getEntity(ctx, c, "Policy", policyKey(name), getPolicyKey(name, policyType), "GetPolicy",
		map[string]string{"PolicyName": name, "PolicyType": policyType},
		typedReq(ram.CreateGetPolicyRequest, (*ram.Client).GetPolicy, func(req *ram.GetPolicyRequest) {
			req.PolicyName = name
			req.PolicyType = policyType
		}), func(resp *ram.GetPolicyResponse) *Policy {
			p := policyFrom(resp.Policy)
			if resp.DefaultPolicyVersion.PolicyDocument != "" {
				p.Document = resp.DefaultPolicyVersion.PolicyDocument
			}
			if p.DefaultVersion == "" {
				p.DefaultVersion = resp.DefaultPolicyVersion.VersionId
			}
			return p
		})
}

// UpdatePolicyDescription sets a custom policy's description; "" clears it (sent present and empty).
func (c *Client) UpdatePolicyDescription(ctx context.Context, name, description string) error {
	defer c.invalidatePolicyShown(name)
	return c.afterCreate(ctx, "Policy", policyKey(name), func() error {
		_, err := c.commonSend(ctx, "UpdatePolicyDescription", map[string]string{"PolicyName": name, "NewDescription": description},
			true, true, nil)
		return err
	})
}

// CreatePolicyVersion adds a version; rotate deletes the oldest non-default version when at the limit.
// Every call makes a new version, so the call is never sent again blind: after a lost answer the versions
// are listed, and a version holding exactly this document (the default one, with setAsDefault) is the lost
// call's; only when there is none is the version created again.
func (c *Client) CreatePolicyVersion(ctx context.Context, name, document string, setAsDefault, rotate bool) (*PolicyVersion, error) {
	defer c.invalidatePolicyShown(name)
	for attempt := 1; ; attempt++ {
		out, err := c.createPolicyVersionOnce(ctx, name, document, setAsDefault, rotate)
		if !isLostAnswer(err) {
			return out, err
		}
		vs, lerr := c.ListPolicyVersions(ctx, name, PolicyTypeCustom)
		if lerr != nil {
			return nil, lerr
		}
		for _, v := range vs {
			if v.Document == document && (v.IsDefault || !setAsDefault) {
				return &v, nil
			}
		}
		if !c.againAfterLost(ctx, attempt) {
			return nil, err
		}
	}
}

func (c *Client) createPolicyVersionOnce(ctx context.Context, name, document string, setAsDefault, rotate bool) (*PolicyVersion, error) {
	strategy := ""
	if rotate {
		strategy = "DeleteOldestNonDefaultVersionWhenLimitExceeded"
	}
	params := map[string]string{"PolicyName": name, "PolicyDocument": document, "SetAsDefault": boolStr(setAsDefault), "RotateStrategy": strategy}
	var out PolicyVersion
	err := c.afterCreate(ctx, "Policy", policyKey(name), func() error {
		_, err := c.write(ctx, "CreatePolicyVersion", params, nil, false, func(rc *ram.Client) (responses.AcsResponse, error) {
			req := ram.CreateCreatePolicyVersionRequest()
			req.PolicyName = name
			req.PolicyDocument = document
			req.SetAsDefault = requests.NewBoolean(setAsDefault)
			req.RotateStrategy = strategy
			resp, err := rc.CreatePolicyVersion(req)
			if err == nil {
				out = versionFrom(resp.PolicyVersion)
			}
			return resp, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	if out.Document == "" {
		out.Document = document
	}
	return &out, nil
}

// ListPolicyVersions lists every version of a policy.
func (c *Client) ListPolicyVersions(ctx context.Context, name, policyType string) ([]PolicyVersion, error) {
	policyType = orCustom(policyType)
	var out []PolicyVersion
	err := c.afterCreate(ctx, "Policy", policyKey(name), func() (err error) {
		out, err = ramCall(ctx, c, "ListPolicyVersions", map[string]string{"PolicyName": name, "PolicyType": policyType},
			typedReq(ram.CreateListPolicyVersionsRequest, (*ram.Client).ListPolicyVersions, func(req *ram.ListPolicyVersionsRequest) {
				req.PolicyName = name
				req.PolicyType = policyType
			}), func(resp *ram.ListPolicyVersionsResponse) (vs []PolicyVersion) {
				for _, v := range resp.PolicyVersions.PolicyVersion {
					vs = append(vs, versionFrom(v))
				}
				return vs
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePolicyVersion deletes a non-default version.
func (c *Client) DeletePolicyVersion(ctx context.Context, name, versionID string) error {
	defer c.invalidatePolicy(name)
	return c.remove(ctx, "DeletePolicyVersion", map[string]string{"PolicyName": name, "VersionId": versionID},
		policyKey(name), "version:"+versionID, IsNotFound,
		anyReq(ram.CreateDeletePolicyVersionRequest, (*ram.Client).DeletePolicyVersion, func(req *ram.DeletePolicyVersionRequest) {
			req.PolicyName = name
			req.VersionId = versionID
		}))
}

// DeletePolicy deletes a custom policy. Right after we detached it or deleted its versions,
// DeleteConflict is retried for a bounded window.
func (c *Client) DeletePolicy(ctx context.Context, name string) error {
	defer c.invalidatePolicy(name)
	err := c.settle(ctx, func() error {
		return c.callRAM(ctx, "DeletePolicy", map[string]string{"PolicyName": name}, nil,
			anyReq(ram.CreateDeletePolicyRequest, (*ram.Client).DeletePolicy, func(req *ram.DeletePolicyRequest) { req.PolicyName = name }))
	}, c.lagCheck(ctx, policyKey(name), func(ctx context.Context, err error) ([]string, error) {
		if HasCode(err, "DeleteConflict.Policy.Version") {
			vs, err := c.ListPolicyVersions(ctx, name, PolicyTypeCustom)
			if err != nil {
				return nil, err
			}
			var ms []string
			for _, v := range vs {
				if !v.IsDefault {
					ms = append(ms, "version:"+v.ID)
				}
			}
			return ms, nil
		}
		ents, err := c.ListEntitiesForPolicy(ctx, name, PolicyTypeCustom)
		if err != nil {
			return nil, err
		}
		if len(ents.Groups) > 0 {
			return []string{"group:" + ents.Groups[0]}, nil // groups are never ours
		}
		var ms []string
		for _, r := range ents.Roles {
			ms = append(ms, "role:"+r)
		}
		for _, u := range ents.Users {
			ms = append(ms, "user:"+u)
		}
		return ms, nil
	}))
	if err == nil {
		c.track.forget(policyKey(name))
	}
	return err
}

// ListEntitiesForPolicy lists the users, roles and groups a policy is attached to.
func (c *Client) ListEntitiesForPolicy(ctx context.Context, name, policyType string) (*PolicyEntities, error) {
	policyType = orCustom(policyType)
	out, err := ramCall(ctx, c, "ListEntitiesForPolicy", map[string]string{"PolicyName": name, "PolicyType": policyType},
		typedReq(ram.CreateListEntitiesForPolicyRequest, (*ram.Client).ListEntitiesForPolicy, func(req *ram.ListEntitiesForPolicyRequest) {
			req.PolicyName = name
			req.PolicyType = policyType
		}), func(resp *ram.ListEntitiesForPolicyResponse) *PolicyEntities {
			ents := &PolicyEntities{}
			for _, u := range resp.Users.User {
				ents.Users = append(ents.Users, u.UserName)
			}
			for _, r := range resp.Roles.Role {
				ents.Roles = append(ents.Roles, r.RoleName)
			}
			for _, g := range resp.Groups.Group {
				ents.Groups = append(ents.Groups, g.GroupName)
			}
			return ents
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}
