package ramclient

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// What a RAM user holds besides keys, a login profile and policies, and which its deletion must clear first:
// memberships of user groups and a bound MFA device. The provider creates neither; an administrator (groups)
// or the user (a device, when mfa_bind_required asks for one) does.

// ListGroupsForUser lists the names of the groups the user is a member of (RAM does not page this list).
// Calls are coalesced per user like the other per-user lists (a refresh asks once per delegated user, and
// any membership change drops the entry); right after our own create of the user, NotFound is retried for a
// bounded window.
func (c *Client) ListGroupsForUser(ctx context.Context, userName string) ([]string, error) {
	fetch := func(fctx context.Context) (any, error) {
		var names []string
		err := c.callRAM(fctx, "ListGroupsForUser", map[string]string{"UserName": userName}, nil, func(rc *ram.Client) (responses.AcsResponse, error) {
			req := ram.CreateListGroupsForUserRequest()
			req.UserName = userName
			resp, err := rc.ListGroupsForUser(req)
			if err == nil {
				names = make([]string, 0, len(resp.Groups.Group))
				for _, g := range resp.Groups.Group {
					names = append(names, g.GroupName)
				}
			}
			return resp, err
		})
		return names, err
	}
	var out []string
	err := c.afterCreate(ctx, "User", userKey(userName), func() error {
		v, err := c.cache.get(ctx, userGroupsKey(userName), c.cacheTTL, fetch)
		if err == nil {
			out = append([]string(nil), v.([]string)...)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveUserFromGroup ends the user's membership of a group. A membership already ended is a NotFound
// error for which IsNotInGroup holds.
func (c *Client) RemoveUserFromGroup(ctx context.Context, groupName, userName string) error {
	defer c.cache.invalidate(userGroupsKey(userName))
	return c.remove(ctx, "RemoveUserFromGroup", map[string]string{"GroupName": groupName, "UserName": userName},
		userKey(userName), "group:"+groupName, IsNotInGroup,
		anyReq(ram.CreateRemoveUserFromGroupRequest, (*ram.Client).RemoveUserFromGroup, func(req *ram.RemoveUserFromGroupRequest) {
			req.GroupName, req.UserName = groupName, userName
		}))
}

// GetUserMFAInfo returns the MFA device bound to the user. A user without one is a NotFound error for which
// IsNoMFADevice holds.
func (c *Client) GetUserMFAInfo(ctx context.Context, userName string) (*MFADevice, error) {
	return ramCall(ctx, c, "GetUserMFAInfo", map[string]string{"UserName": userName},
		typedReq(ram.CreateGetUserMFAInfoRequest, (*ram.Client).GetUserMFAInfo, func(req *ram.GetUserMFAInfoRequest) { req.UserName = userName }),
		func(resp *ram.GetUserMFAInfoResponse) *MFADevice {
			return &MFADevice{SerialNumber: resp.MFADevice.SerialNumber, Type: resp.MFADevice.Type}
		})
}

// UnbindMFADevice unbinds the user's MFA device and returns it; the device itself stays (see
// DeleteVirtualMFADevice). A user without one is a NotFound error for which IsNoMFADevice holds.
func (c *Client) UnbindMFADevice(ctx context.Context, userName string) (*MFADevice, error) {
	out, err := ramCall(ctx, c, "UnbindMFADevice", map[string]string{"UserName": userName},
		typedReq(ram.CreateUnbindMFADeviceRequest, (*ram.Client).UnbindMFADevice, func(req *ram.UnbindMFADeviceRequest) { req.UserName = userName }),
		func(resp *ram.UnbindMFADeviceResponse) *MFADevice {
			return &MFADevice{SerialNumber: resp.MFADevice.SerialNumber, Type: resp.MFADevice.Type}
		})
	if err == nil || IsNoMFADevice(err) {
		c.track.markRemoved(userKey(userName), "mfa")
	}
	return out, err
}

// DeleteVirtualMFADevice deletes an unbound virtual MFA device by its serial number. A device already
// deleted is a NotFound error for which IsMFADeviceNotFound holds; a device still bound fails with a
// DeleteConflict.
func (c *Client) DeleteVirtualMFADevice(ctx context.Context, serialNumber string) error {
	return c.callRAM(ctx, "DeleteVirtualMFADevice", map[string]string{"SerialNumber": serialNumber}, nil,
		anyReq(ram.CreateDeleteVirtualMFADeviceRequest, (*ram.Client).DeleteVirtualMFADevice, func(req *ram.DeleteVirtualMFADeviceRequest) {
			req.SerialNumber = serialNumber
		}))
}
