package ramclient

import (
	"context"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// ramCall sends one RAM action through callRAM (limits, retries, counting and redaction stay there) with
// the SDK's typed request that send builds, and returns what conv makes of a successful answer.
func ramCall[R responses.AcsResponse, T any](ctx context.Context, c *Client, action string, params map[string]string,
	send func(rc *ram.Client) (R, error), conv func(resp R) T) (T, error) {
	var out T
	err := c.callRAM(ctx, action, params, nil, func(rc *ram.Client) (responses.AcsResponse, error) {
		resp, err := send(rc)
		if err == nil {
			out = conv(resp)
		}
		return resp, err
	})
	return out, err
}

// cachedCopy reads key through the read cache (ttl 0: until a write drops it) and returns a copy of the
// entry, so that what a caller changes never reaches the cache.
func cachedCopy[T any](ctx context.Context, c *Client, key string, ttl time.Duration, fetch func(fctx context.Context) (*T, error)) (*T, error) {
	v, err := c.cache.get(ctx, key, ttl, func(fctx context.Context) (any, error) { return fetch(fctx) })
	if err != nil {
		return nil, err
	}
	cp := *v.(*T)
	return &cp, nil
}

// getEntity reads one role, user or policy (kind, as afterCreate names it) by one RAM action: through the
// read cache (cacheKey; concurrent readers share the call), NotFound retried right after our own create of
// it (entityKey).
func getEntity[R responses.AcsResponse, T any](ctx context.Context, c *Client, kind, entityKey, cacheKey, action string,
	params map[string]string, send func(rc *ram.Client) (R, error), conv func(resp R) *T) (*T, error) {
	var out *T
	err := c.afterCreate(ctx, kind, entityKey, func() (err error) {
		out, err = cachedCopy(ctx, c, cacheKey, 0, func(fctx context.Context) (*T, error) {
			return ramCall(fctx, c, action, params, send, conv)
		})
		return err
	})
	return out, err
}
