package ramclient

import (
	"context"
	"encoding/json"
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

// answer is the decoded JSON answer of a CommonRequest that returns one entity ({"Role": {...}} and the
// like): entity converts it, false when the answer holds none.
type answer[T any] interface {
	entity() (*T, bool)
}

type roleAnswer struct{ Role ram.Role }

func (a roleAnswer) entity() (*Role, bool) { return roleFrom(a.Role), a.Role.RoleName != "" }

type policyAnswer struct{ Policy ram.Policy }

func (a policyAnswer) entity() (*Policy, bool) {
	return policyFrom(a.Policy), a.Policy.PolicyName != ""
}

type userAnswer struct{ User ram.User }

func (a userAnswer) entity() (*User, bool) { return userFrom(a.User), a.User.UserName != "" }

// decodeAnswer decodes action's answer body as A; an answer that does not decode or holds no entity is
// invalidResponse.
func decodeAnswer[A answer[T], T any](action string, body []byte) (*T, error) {
	var a A
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, invalidResponse(action, err)
	}
	out, ok := a.entity()
	if !ok {
		return nil, invalidResponse(action, nil)
	}
	return out, nil
}

// createMarked sends a create that carries its marker tag (CreateRole, CreatePolicy: see CreateRole) as a
// CommonRequest, drops what it makes stale (invalidate, whatever the outcome) and returns the entity the
// answer holds, tracked as created under key. An existing entity of that name goes to adopt when the create
// is marked.
func createMarked[A answer[T], T any](ctx context.Context, c *Client, action string, params map[string]string, key string,
	marked bool, invalidate func(), adopt func(exists error) (*T, error)) (*T, error) {
	var body []byte
	_, err := c.commonWrite(ctx, action, params, true, &body)
	invalidate()
	if IsAlreadyExists(err) && marked {
		return adopt(err)
	}
	if err != nil {
		return nil, err
	}
	out, err := decodeAnswer[A](action, body)
	if err != nil {
		return nil, err
	}
	c.track.markCreated(key)
	return out, nil
}

// updateEntity sends an update of a role or user (kind, as afterCreate names it; entityKey its tracker key)
// as a CommonRequest that keeps empty parameters (an empty one clears its field) and returns the entity as
// the answer shows it. Right after our own create of the entity, NotFound is retried for a bounded window.
func updateEntity[A answer[T], T any](ctx context.Context, c *Client, kind, entityKey, action string, params map[string]string) (*T, error) {
	var out *T
	err := c.afterCreate(ctx, kind, entityKey, func() error {
		var body []byte
		if _, err := c.commonSend(ctx, action, params, true, true, &body); err != nil {
			return err
		}
		var err error
		out, err = decodeAnswer[A](action, body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// remove sends a call that ends dependent member of the entity with tracker key (a policy version, an
// AccessKey, a login profile, a group membership) and records the removal for the deletes that follow when
// the call succeeded or the dependent was gone already (gone).
func (c *Client) remove(ctx context.Context, action string, params map[string]string, key, member string, gone func(error) bool,
	fn func(rc *ram.Client) (responses.AcsResponse, error)) error {
	err := c.callRAM(ctx, action, params, nil, fn)
	if err == nil || gone(err) {
		c.track.markRemoved(key, member)
	}
	return err
}

// typedReq is the send of one call's typed SDK request: newReq makes it (ram.CreateXRequest), fill sets its
// fields and do sends it (the SDK's method, (*ram.Client).X).
func typedReq[Q, R any](newReq func() *Q, do func(*ram.Client, *Q) (R, error), fill func(req *Q)) func(rc *ram.Client) (R, error) {
	return func(rc *ram.Client) (R, error) {
		req := newReq()
		fill(req)
		return do(rc, req)
	}
}

// anyReq is typedReq for callRAM and write, which take any answer.
func anyReq[Q any, R responses.AcsResponse](newReq func() *Q, do func(*ram.Client, *Q) (R, error),
	fill func(req *Q)) func(rc *ram.Client) (responses.AcsResponse, error) {
	send := typedReq(newReq, do, fill)
	return func(rc *ram.Client) (responses.AcsResponse, error) { return send(rc) }
}
