package ramclient

import (
	"context"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// AccessKey statuses (UpdateAccessKey's Status): an Inactive key is refused by the gateway
// (InvalidAccessKeyId.Inactive) but still counts towards the user's two keys.
const (
	AccessKeyActive   = "Active"
	AccessKeyInactive = "Inactive"
)

// UpdateAccessKey sets a key's status (AccessKeyActive or AccessKeyInactive). Setting a value twice is the
// same as once, so a lost answer is simply sent again. A key this client created moments ago may not be
// visible to RAM yet: its NotFound is retried within the consistency window.
func (c *Client) UpdateAccessKey(ctx context.Context, userName, accessKeyID, status string) error {
	if err := c.guard(ctx); err != nil {
		return err
	}
	defer c.cache.invalidate(accessKeysKey(userName))
	return c.settle(ctx, func() error {
		_, err := c.write(ctx, "UpdateAccessKey", map[string]string{"UserName": userName, "UserAccessKeyId": accessKeyID, "Status": status}, nil, true,
			anyReq(ram.CreateUpdateAccessKeyRequest, (*ram.Client).UpdateAccessKey, func(req *ram.UpdateAccessKeyRequest) {
				req.UserName = userName
				req.UserAccessKeyId = accessKeyID
				req.Status = status
			}))
		return err
	}, func(err error) bool {
		return notFoundOf(err, "User.AccessKey") && c.track.isPending(accessKeysKey(userName), accessKeyID)
	})
}

// isPending reports whether member was recently added to list and no read has shown it yet (within the
// consistency window).
func (t *tracker) isPending(list, member string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.pending[list][strings.ToLower(member)]
	return ok && t.c.now().Sub(at) <= t.c.consistencyWindow
}
