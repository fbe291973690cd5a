package ramclient

import (
	"context"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// CallerIdentity returns who the credentials belong to: an *AccountMismatchError when that is another
// account than ExpectedAccountID.
func (c *Client) CallerIdentity(ctx context.Context) (*Identity, error) {
	id, err := c.identity(ctx)
	if err != nil {
		return nil, err
	}
	if c.cfg.ExpectedAccountID != "" && id.AccountID != c.cfg.ExpectedAccountID {
		return nil, &AccountMismatchError{Expected: c.cfg.ExpectedAccountID, Actual: id.AccountID}
	}
	return id, nil
}

// identity is fetched once with STS GetCallerIdentity and cached; errors are not cached. Concurrent first
// callers share one call, which one caller giving up does not cancel for the others.
func (c *Client) identity(ctx context.Context) (*Identity, error) {
	c.identMu.Lock()
	if c.ident != nil {
		id := *c.ident
		c.identMu.Unlock()
		return &id, nil
	}
	c.identMu.Unlock()

	v, err := c.cache.get(ctx, "GetCallerIdentity", 0, func(fctx context.Context) (any, error) {
		var out *sts.GetCallerIdentityResponse
		err := c.callSTS(fctx, "GetCallerIdentity", nil, nil, func(sc *sts.Client) (responses.AcsResponse, error) {
			resp, err := sc.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
			out = resp
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		id := &Identity{AccountID: out.AccountId, ARN: out.Arn, IdentityType: out.IdentityType,
			PrincipalID: out.PrincipalId, UserID: out.UserId, RoleID: out.RoleId}
		c.identMu.Lock()
		c.ident = id
		c.identMu.Unlock()
		return id, nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, wrapError("STS", "GetCallerIdentity", ctx.Err(), nil)
		}
		return nil, err
	}
	id := *v.(*Identity)
	return &id, nil
}

// AccountID returns the account the credentials belong to.
func (c *Client) AccountID(ctx context.Context) (string, error) {
	id, err := c.CallerIdentity(ctx)
	if err != nil {
		return "", err
	}
	return id.AccountID, nil
}

// accountAliasTTL: how long an account alias is taken as known. A provider process lives for one CLI
// command, and every user's ARN and logon name needs the alias, so it is read once per client (concurrent
// first callers share that call); an alias changed in the middle of an apply shows in the next command.
const accountAliasTTL = time.Hour

// AccountAlias returns the account alias as GetAccountAlias reports it ("" if none), read once per client.
func (c *Client) AccountAlias(ctx context.Context) (string, error) {
	v, err := c.cache.get(ctx, "GetAccountAlias", accountAliasTTL, func(fctx context.Context) (any, error) {
		var alias string
		err := c.callRAM(fctx, "GetAccountAlias", nil, nil, func(rc *ram.Client) (responses.AcsResponse, error) {
			resp, err := rc.GetAccountAlias(ram.CreateGetAccountAliasRequest())
			if err == nil {
				alias = resp.AccountAlias
			}
			return resp, err
		})
		return alias, err
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// PlanLookupTimeout bounds how long a plan waits for an account fact (PlanAccountID, PlanAccountAlias): a
// plan shows the value as unknown rather than hang or fail on a slow or unreachable STS or RAM.
const PlanLookupTimeout = 10 * time.Second

// PlanAccountID is the account ID a plan renders ARNs with: ExpectedAccountID when set, with no call of its
// own (the guard refuses every call in another account, so nothing is ever read or made elsewhere), else the
// caller's account from the cached GetCallerIdentity. The lookup is bounded by PlanLookupTimeout, and its
// first failure is remembered for the client's life (one command), so the rest of a plan does not wait for it.
func (c *Client) PlanAccountID(ctx context.Context) (string, error) {
	if c.cfg.ExpectedAccountID != "" {
		return c.cfg.ExpectedAccountID, nil
	}
	return c.planLookup(ctx, "account_id", c.AccountID)
}

// PlanAccountAlias is AccountAlias for a plan: bounded and with its failure remembered like PlanAccountID.
func (c *Client) PlanAccountAlias(ctx context.Context) (string, error) {
	return c.planLookup(ctx, "account_alias", c.AccountAlias)
}

func (c *Client) planLookup(ctx context.Context, what string, lookup func(context.Context) (string, error)) (string, error) {
	c.identMu.Lock()
	err := c.planErrs[what]
	c.identMu.Unlock()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, c.planLookupTimeout)
	defer cancel()
	v, err := lookup(ctx)
	if err != nil {
		c.identMu.Lock()
		if c.planErrs == nil {
			c.planErrs = map[string]error{}
		}
		c.planErrs[what] = err
		c.identMu.Unlock()
	}
	return v, err
}

// guard refuses every call, read or write, when the credentials belong to another account than
// ExpectedAccountID: a read in the wrong account answers "not found" for everything and would drop every
// resource from the state. invoke calls it before each RAM and STS call; the identity behind it is one
// cached GetCallerIdentity per client, so the guard costs a single call.
func (c *Client) guard(ctx context.Context) error {
	if c.cfg.ExpectedAccountID == "" {
		return nil
	}
	_, err := c.CallerIdentity(ctx)
	return err
}
