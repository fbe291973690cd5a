package ramclient

import (
	"context"
	"fmt"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

func userFrom(u ram.User) *User {
	return &User{ID: u.UserId, Name: u.UserName, DisplayName: u.DisplayName, MobilePhone: u.MobilePhone,
		Email: u.Email, Comments: u.Comments, CreateDate: u.CreateDate, UpdateDate: u.UpdateDate}
}

func (c *Client) invalidateUser(name string) {
	c.cache.invalidate(getUserKey(name), userPoliciesKey(name), accessKeysKey(name), loginCacheKey(name))
}

// CreateUser creates a RAM user. With a Witness (see marker.go), the witness policy is bound to the new
// user's ID, and an existing user of that name is adopted when the witness shows it was made by this
// configuration: the result is that user, with Adopted set. Any other existing user is a
// *NotCreatedHereError (a plain EntityAlreadyExists without a witness).
func (c *Client) CreateUser(ctx context.Context, in CreateUserInput) (*User, error) {
	params := map[string]string{"UserName": in.Name, "DisplayName": in.DisplayName, "MobilePhone": in.MobilePhone,
		"Email": in.Email, "Comments": in.Comments}
	var out *User
	lost, err := c.write(ctx, "CreateUser", params, nil, true, func(rc *ram.Client) (responses.AcsResponse, error) {
		req := ram.CreateCreateUserRequest()
		req.UserName = in.Name
		req.DisplayName = in.DisplayName
		req.MobilePhone = in.MobilePhone
		req.Email = in.Email
		req.Comments = in.Comments
		resp, err := rc.CreateUser(req)
		if err == nil {
			out = userFrom(resp.User)
		}
		return resp, err
	})
	c.invalidateUser(in.Name)
	if IsAlreadyExists(err) && in.Witness != nil {
		return c.adoptUser(ctx, in, lost, err)
	}
	if err != nil {
		return nil, err
	}
	c.track.markCreated(userKey(in.Name))
	c.keyless.Store(userKey(in.Name), true)
	if in.Witness != nil {
		c.bindWitness(ctx, in.Witness.Name, out.ID)
	}
	return out, nil
}

// bindWitness tags the witness policy with the user's ID. A failure only leaves the weaker proof (creation
// order, profile, holdings) for a later adoption, so it does not fail the create.
func (c *Client) bindWitness(ctx context.Context, policyName, userID string) {
	if err := c.TagResource(ctx, "policy", policyName, map[string]string{WitnessUserIDTagKey: userID}); err != nil {
		tflog.SubsystemWarn(logContext(ctx, nil), logSubsystem, "could not bind the witness policy to the new user",
			map[string]any{"policy_name": policyName, "user_id": userID, "error": err.Error()})
	}
}

// adoptUser takes over the existing user a CreateUser met, if in.Witness vouches for it. lost: an attempt of
// this CreateUser lost its answer (and may have made the user).
func (c *Client) adoptUser(ctx context.Context, in CreateUserInput, lost bool, exists error) (*User, error) {
	if !in.Witness.Adopted && !lost {
		// The witness is new: no earlier create of this configuration got as far as the user, which it makes
		// only after the witness. And this call's own attempts all got their answers: someone else's user.
		return nil, &NotCreatedHereError{Kind: "user", Name: in.Name, exists: exists,
			Reason: fmt.Sprintf("it existed before policy %s, which this provider creates first", in.Witness.Name)}
	}
	c.track.markCreated(userKey(in.Name))
	u, err := c.GetUser(ctx, in.Name)
	reason := ""
	if err == nil {
		reason, err = c.witnessVerdict(ctx, in, u)
	}
	if err == nil && reason != "" {
		err = &NotCreatedHereError{Kind: "user", Name: in.Name, Reason: reason, exists: exists}
	}
	if err != nil {
		c.track.forget(userKey(in.Name))
		return nil, err
	}
	if in.Witness.BoundUserID == "" {
		c.bindWitness(ctx, in.Witness.Name, u.ID)
	}
	u.Adopted = true
	return u, nil
}

// witnessVerdict says why in.Witness does not vouch for the existing user u; "" when it does.
func (c *Client) witnessVerdict(ctx context.Context, in CreateUserInput, u *User) (string, error) {
	w := in.Witness
	switch {
	case w.BoundUserID == u.ID:
		return "", nil
	case w.BoundUserID != "":
		return fmt.Sprintf("policy %s vouches for the user with ID %s, and this one is %s", w.Name, w.BoundUserID, u.ID), nil
	}
	// Not bound: the CLI died, or CreateUser's answer was lost, between the user's creation and the binding.
	if wt, ut := ramTime(w.CreateDate), ramTime(u.CreateDate); wt.IsZero() || ut.IsZero() || ut.Before(wt) {
		return fmt.Sprintf("it was created (%s) before policy %s (%s), which this provider creates first", u.CreateDate, w.Name, w.CreateDate), nil
	}
	if u.DisplayName != in.DisplayName || u.Email != in.Email || u.MobilePhone != in.MobilePhone || u.Comments != in.Comments {
		return "its display name, email, mobile phone or comments differ from what this configuration creates it with", nil
	}
	attached, err := c.ListPoliciesForUser(ctx, in.Name)
	if err != nil {
		return "", err
	}
	for _, p := range attached {
		if !in.MayHold.hasPolicy(p.Type, p.Name) {
			return fmt.Sprintf("it holds %s policy %s, which this configuration does not give it", p.Type, p.Name), nil
		}
	}
	if !in.MayHold.LoginProfile {
		_, err := c.GetLoginProfile(ctx, in.Name)
		if err == nil {
			return "it has a console login profile, which this configuration does not give it", nil
		}
		if !IsNotFound(err) {
			return "", err
		}
	}
	if !in.MayHold.AccessKeys {
		keys, err := c.ListAccessKeys(ctx, in.Name)
		if err != nil {
			return "", err
		}
		if len(keys) > 0 {
			return "it has an AccessKey, which this configuration does not give it", nil
		}
	}
	// Nothing this resource creates makes a user a group member or binds it an MFA device.
	groups, err := c.ListGroupsForUser(ctx, in.Name)
	if err != nil {
		return "", err
	}
	if len(groups) > 0 {
		return fmt.Sprintf("it is a member of group %s", groups[0]), nil
	}
	if _, err := c.GetUserMFAInfo(ctx, in.Name); err == nil {
		return "it has an MFA device bound", nil
	} else if !IsNoMFADevice(err) {
		return "", err
	}
	return "", nil
}

func (h UserHoldings) hasPolicy(policyType, policyName string) bool {
	return FindAttached(h.Policies, policyType, policyName) != nil
}

// GetUser reads a user. Right after our own CreateUser, NotFound is retried for a bounded window.
func (c *Client) GetUser(ctx context.Context, name string) (*User, error) {
	return getEntity(ctx, c, "User", userKey(name), getUserKey(name), "GetUser", map[string]string{"UserName": name},
		typedReq(ram.CreateGetUserRequest, (*ram.Client).GetUser, func(req *ram.GetUserRequest) { req.UserName = name }),
		func(resp *ram.GetUserResponse) *User { return userFrom(resp.User) })
}

// UpdateUser changes the supplied fields; NewName renames the user (the ID stays). A field set to "" is
// cleared: it goes out present and empty (a CommonRequest; the typed request would drop it, see clears in
// ram-api.md §9).
func (c *Client) UpdateUser(ctx context.Context, in UpdateUserInput) (*User, error) {
	params := map[string]string{"UserName": in.Name}
	set := func(k string, v *string) {
		if v != nil {
			params[k] = *v
		}
	}
	set("NewUserName", in.NewName)
	set("NewDisplayName", in.DisplayName)
	set("NewMobilePhone", in.MobilePhone)
	set("NewEmail", in.Email)
	set("NewComments", in.Comments)
	defer func() {
		c.invalidateUser(in.Name)
		if in.NewName != nil {
			c.invalidateUser(*in.NewName)
		}
	}()
	out, err := updateEntity[userAnswer](ctx, c, "User", userKey(in.Name), "UpdateUser", params)
	if err != nil {
		return nil, err
	}
	if in.NewName != nil && *in.NewName != in.Name {
		// The renamed user exists now; reads under the new name should not wait for it.
		c.track.forget(userKey(in.Name))
	}
	return out, nil
}

// DeleteUser deletes a user, once: RAM refuses (DeleteConflict.User.*) while the user holds keys, a login
// profile, policies, group memberships or an MFA device. DeleteUserWith clears those and waits out RAM's
// lagging view of them.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	defer c.invalidateUser(name)
	err := c.callRAM(ctx, "DeleteUser", map[string]string{"UserName": name}, nil,
		anyReq(ram.CreateDeleteUserRequest, (*ram.Client).DeleteUser, func(req *ram.DeleteUserRequest) { req.UserName = name }))
	if err == nil {
		c.keyless.Delete(userKey(name))
		for _, k := range []string{userKey(name), loginKey(name), userPoliciesKey(name), accessKeysKey(name)} {
			c.track.forget(k)
		}
	}
	return err
}

// ListUsers returns every user (all pages).
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	return listAll(ctx, c, "ListUsers", func(rc *ram.Client, marker string) (responses.AcsResponse, listPage[User], error) {
		req := ram.CreateListUsersRequest()
		req.Marker = marker
		req.MaxItems = requests.NewInteger(listPageSize)
		resp, err := rc.ListUsers(req)
		page := listPage[User]{Marker: resp.Marker, IsTruncated: resp.IsTruncated}
		for _, u := range resp.Users.User {
			page.Items = append(page.Items, *userFrom(u))
		}
		return resp, page, err
	})
}

func loginFrom(p ram.LoginProfile) *LoginProfile {
	return &LoginProfile{UserName: p.UserName, PasswordResetRequired: p.PasswordResetRequired,
		MFABindRequired: p.MFABindRequired, CreateDate: p.CreateDate}
}

func userNotFoundRetry(c *Client, userName string) func(error) bool {
	return func(err error) bool { return notFoundOf(err, "User") && c.track.recentlyCreated(userKey(userName)) }
}

// CreateLoginProfile gives a user a console password. The password is never logged.
func (c *Client) CreateLoginProfile(ctx context.Context, in LoginProfileInput) (*LoginProfile, error) {
	params := map[string]string{"UserName": in.UserName, "Password": in.Password,
		"PasswordResetRequired": boolStr(in.PasswordResetRequired), "MFABindRequired": boolStr(in.MFABindRequired)}
	defer c.cache.invalidate(loginCacheKey(in.UserName))
	var out *LoginProfile
	err := c.settle(ctx, func() error {
		return c.callRAM(ctx, "CreateLoginProfile", params, []string{in.Password}, func(rc *ram.Client) (responses.AcsResponse, error) {
			req := ram.CreateCreateLoginProfileRequest()
			req.UserName = in.UserName
			req.Password = in.Password
			req.PasswordResetRequired = requests.NewBoolean(in.PasswordResetRequired)
			req.MFABindRequired = requests.NewBoolean(in.MFABindRequired)
			resp, err := rc.CreateLoginProfile(req)
			if err == nil {
				out = loginFrom(resp.LoginProfile)
			}
			return resp, err
		})
	}, userNotFoundRetry(c, in.UserName))
	if err != nil {
		return nil, err
	}
	c.track.markCreated(loginKey(in.UserName))
	return out, nil
}

// GetLoginProfile reads a user's login profile (coalesced per user, short TTL). Right after our own
// CreateLoginProfile, NotFound is retried for a bounded window.
func (c *Client) GetLoginProfile(ctx context.Context, userName string) (*LoginProfile, error) {
	var out *LoginProfile
	op := func() (err error) {
		out, err = cachedCopy(ctx, c, loginCacheKey(userName), c.cacheTTL, func(fctx context.Context) (*LoginProfile, error) {
			return ramCall(fctx, c, "GetLoginProfile", map[string]string{"UserName": userName},
				typedReq(ram.CreateGetLoginProfileRequest, (*ram.Client).GetLoginProfile, func(req *ram.GetLoginProfileRequest) { req.UserName = userName }),
				func(resp *ram.GetLoginProfileResponse) *LoginProfile { return loginFrom(resp.LoginProfile) })
		})
		return err
	}
	err := c.settle(ctx, op, func(err error) bool {
		return (notFoundOf(err, "User.LoginProfile") && c.track.recentlyCreated(loginKey(userName))) ||
			(notFoundOf(err, "User") && c.track.recentlyCreated(userKey(userName)))
	})
	if err == nil {
		c.track.seen(loginKey(userName))
		c.track.seen(userKey(userName))
	}
	return out, err
}

// UpdateLoginProfile changes what in sets: the password when not empty, each flag when not nil.
func (c *Client) UpdateLoginProfile(ctx context.Context, in UpdateLoginProfileInput) error {
	params := map[string]string{"UserName": in.UserName, "Password": in.Password}
	if in.PasswordResetRequired != nil {
		params["PasswordResetRequired"] = boolStr(*in.PasswordResetRequired)
	}
	if in.MFABindRequired != nil {
		params["MFABindRequired"] = boolStr(*in.MFABindRequired)
	}
	defer c.cache.invalidate(loginCacheKey(in.UserName))
	return c.settle(ctx, func() error {
		return c.callRAM(ctx, "UpdateLoginProfile", params, []string{in.Password}, func(rc *ram.Client) (responses.AcsResponse, error) {
			req := ram.CreateUpdateLoginProfileRequest()
			req.UserName = in.UserName
			req.Password = in.Password
			// The SDK leaves an empty requests.Boolean out of the query: an unset flag is not sent.
			if in.PasswordResetRequired != nil {
				req.PasswordResetRequired = requests.NewBoolean(*in.PasswordResetRequired)
			}
			if in.MFABindRequired != nil {
				req.MFABindRequired = requests.NewBoolean(*in.MFABindRequired)
			}
			return rc.UpdateLoginProfile(req)
		})
	}, func(err error) bool {
		return notFoundOf(err, "User.LoginProfile") && c.track.recentlyCreated(loginKey(in.UserName))
	})
}

// DeleteLoginProfile removes a user's console password.
func (c *Client) DeleteLoginProfile(ctx context.Context, userName string) error {
	defer c.cache.invalidate(loginCacheKey(userName))
	defer c.track.forget(loginKey(userName))
	return c.remove(ctx, "DeleteLoginProfile", map[string]string{"UserName": userName}, userKey(userName), "login", IsNotFound,
		anyReq(ram.CreateDeleteLoginProfileRequest, (*ram.Client).DeleteLoginProfile, func(req *ram.DeleteLoginProfileRequest) { req.UserName = userName }))
}

// CreateAccessKey creates an AccessKey pair for a user. The secret is returned once and never logged.
//
// Every call makes a new key, so the call is never sent again blind: when its answer is lost, the key it
// may have made is one whose secret nobody will ever see. The client lists the user's keys before the
// first attempt; after a lost answer it lists them again, deletes every key that was not there before (the
// lost call's orphan) and tries again, so the user never keeps an untracked second key.
func (c *Client) CreateAccessKey(ctx context.Context, userName string) (*AccessKey, error) {
	defer c.cache.invalidate(accessKeysKey(userName))
	// The keys before the first attempt, to tell a lost call's key from the others. A user this client
	// created and made no key for has none: no call needed (and no wait for RAM to show the new user).
	before := map[string]bool{}
	if _, fresh := c.keyless.LoadAndDelete(userKey(userName)); !fresh {
		var err error
		if before, err = c.freshAccessKeys(ctx, userName); err != nil {
			return nil, err
		}
	}
	for attempt := 1; ; attempt++ {
		out, err := c.createAccessKeyOnce(ctx, userName)
		if err == nil {
			c.track.addPending(accessKeysKey(userName), out.ID)
			return out, nil
		}
		if !isLostAnswer(err) {
			return nil, err
		}
		if derr := c.deleteKeysSince(ctx, userName, before); derr != nil {
			return nil, derr
		}
		if !c.againAfterLost(ctx, attempt) {
			return nil, err
		}
	}
}

func (c *Client) createAccessKeyOnce(ctx context.Context, userName string) (*AccessKey, error) {
	var out *AccessKey
	err := c.settle(ctx, func() error {
		_, err := c.write(ctx, "CreateAccessKey", map[string]string{"UserName": userName}, nil, false, func(rc *ram.Client) (responses.AcsResponse, error) {
			req := ram.CreateCreateAccessKeyRequest()
			req.UserName = userName
			resp, err := rc.CreateAccessKey(req)
			if err == nil {
				k := resp.AccessKey
				out = &AccessKey{ID: k.AccessKeyId, Secret: k.AccessKeySecret, Status: k.Status, CreateDate: k.CreateDate}
			}
			return resp, err
		})
		return err
	}, userNotFoundRetry(c, userName))
	return out, err
}

// freshAccessKeys lists a user's keys, bypassing the read cache (a user just created has none: NotFound
// while RAM does not show it yet is retried by ListAccessKeys).
func (c *Client) freshAccessKeys(ctx context.Context, userName string) (map[string]bool, error) {
	c.cache.invalidate(accessKeysKey(userName))
	keys, err := c.ListAccessKeys(ctx, userName)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(keys))
	for _, k := range keys {
		ids[strings.ToUpper(k.ID)] = true
	}
	return ids, nil
}

// deleteKeysSince deletes the user's keys that are not among before: made by a CreateAccessKey whose answer
// was lost.
func (c *Client) deleteKeysSince(ctx context.Context, userName string, before map[string]bool) error {
	c.cache.invalidate(accessKeysKey(userName))
	keys, err := c.ListAccessKeys(ctx, userName)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if before[strings.ToUpper(k.ID)] {
			continue
		}
		tflog.SubsystemInfo(logContext(ctx, nil), logSubsystem, "deleting the AccessKey a lost CreateAccessKey answer left behind",
			map[string]any{"user_name": userName, "access_key_id": k.ID})
		if err := c.DeleteAccessKey(ctx, userName, k.ID); err != nil && !IsNotFound(err) {
			return err
		}
	}
	return nil
}

// ListAccessKeys lists a user's keys, without secrets (coalesced per user, short TTL). Right after our
// own CreateAccessKey, a list that does not show the key yet is re-read for a bounded window.
func (c *Client) ListAccessKeys(ctx context.Context, userName string) ([]AccessKey, error) {
	key := accessKeysKey(userName)
	fetch := func(fctx context.Context) (any, error) {
		var res []AccessKey
		err := c.callRAM(fctx, "ListAccessKeys", map[string]string{"UserName": userName}, nil, func(rc *ram.Client) (responses.AcsResponse, error) {
			req := ram.CreateListAccessKeysRequest()
			req.UserName = userName
			resp, err := rc.ListAccessKeys(req)
			if err == nil {
				res = make([]AccessKey, 0, len(resp.AccessKeys.AccessKey))
				for _, k := range resp.AccessKeys.AccessKey {
					res = append(res, AccessKey{ID: k.AccessKeyId, Status: k.Status, CreateDate: k.CreateDate})
				}
			}
			return resp, err
		})
		return res, err
	}
	var out []AccessKey
	errStale := &APIError{Code: "stale"}
	err := c.afterCreate(ctx, "User", userKey(userName), func() error {
		return c.settle(ctx, func() error {
			v, err := c.cache.get(ctx, key, c.cacheTTL, fetch)
			if err != nil {
				return err
			}
			list := v.([]AccessKey)
			out = append([]AccessKey(nil), list...)
			if c.track.missingPending(key, func(id string) bool {
				for _, k := range list {
					if equalFold(k.ID, id) {
						return true
					}
				}
				return false
			}) {
				c.cache.invalidate(key)
				return errStale
			}
			return nil
		}, func(err error) bool { return err == errStale })
	})
	if err == errStale {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAccessKey deletes one of a user's keys.
func (c *Client) DeleteAccessKey(ctx context.Context, userName, accessKeyID string) error {
	defer c.cache.invalidate(accessKeysKey(userName))
	defer c.track.dropPending(accessKeysKey(userName), accessKeyID)
	return c.remove(ctx, "DeleteAccessKey", map[string]string{"UserName": userName, "UserAccessKeyId": accessKeyID},
		userKey(userName), "key:"+accessKeyID, IsNotFound,
		anyReq(ram.CreateDeleteAccessKeyRequest, (*ram.Client).DeleteAccessKey, func(req *ram.DeleteAccessKeyRequest) {
			req.UserName = userName
			req.UserAccessKeyId = accessKeyID
		}))
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
