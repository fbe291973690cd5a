package ramclient

import (
	"context"
	"sync"
)

// UserReads serves the per-user reads of one refresh of a user. Once GetUser has answered, its policies,
// AccessKeys, login profile and groups do not depend on each other: Prefetch issues the wanted ones at once,
// so a user's refresh waits for two round trips of latency instead of five. Each read still goes through its
// usual method (coalescing, consistency windows, retries, the adaptive limiter), so the calls made are the same
// ones, only overlapped. A read not prefetched is made when asked, as before.
type UserReads struct {
	c        *Client
	name     string
	policies *result[[]AttachedPolicy]
	keys     *result[[]AccessKey]
	login    *result[*LoginProfile]
	groups   *result[[]string]
}

type result[T any] struct {
	v   T
	err error
}

// UserReadSet names the reads Prefetch makes: only those the caller will ask for, so prefetching never adds
// a call.
type UserReadSet struct {
	Policies, AccessKeys, LoginProfile, Groups bool
}

// MayOverlap reports whether a caller may overlap RAM calls of its own (a user's reads, writes or removals
// that need nothing of each other) on this client's account: not while the account is being paced, and only
// once it has answered fanOutAfter calls in a row without flow control (adaptiveLimiter.mayOverlap).
func (c *Client) MayOverlap() bool { return c.accountLimiter(svcRAM).mayOverlap() }

// UserReads returns the reads of user name, none made yet.
func (c *Client) UserReads(name string) *UserReads { return &UserReads{c: c, name: name} }

// Prefetch makes the reads in want concurrently and returns when all have answered. Their results, errors
// included, are what the accessors return from then on. On an account that has not yet shown it takes that
// concurrency (adaptiveLimiter.mayOverlap: paced, or too few calls answered since its last throttle) it
// makes none, and each read is made when asked, one after the other.
func (u *UserReads) Prefetch(ctx context.Context, want UserReadSet) {
	if !u.c.MayOverlap() {
		return
	}
	var wg sync.WaitGroup
	start := func(on bool, read func()) {
		if on {
			wg.Add(1)
			go func() { defer wg.Done(); read() }()
		}
	}
	var policies result[[]AttachedPolicy]
	var keys result[[]AccessKey]
	var login result[*LoginProfile]
	var groups result[[]string]
	start(want.Policies, func() { policies.v, policies.err = u.c.ListPoliciesForUser(ctx, u.name) })
	start(want.AccessKeys, func() { keys.v, keys.err = u.c.ListAccessKeys(ctx, u.name) })
	start(want.LoginProfile, func() { login.v, login.err = u.c.GetLoginProfile(ctx, u.name) })
	start(want.Groups, func() { groups.v, groups.err = u.c.ListGroupsForUser(ctx, u.name) })
	wg.Wait()
	if want.Policies {
		u.policies = &policies
	}
	if want.AccessKeys {
		u.keys = &keys
	}
	if want.LoginProfile {
		u.login = &login
	}
	if want.Groups {
		u.groups = &groups
	}
}

// Policies is ListPoliciesForUser, answered from Prefetch when it made the read.
func (u *UserReads) Policies(ctx context.Context) ([]AttachedPolicy, error) {
	return prefetched(u.policies, func() ([]AttachedPolicy, error) { return u.c.ListPoliciesForUser(ctx, u.name) })
}

// AccessKeys is ListAccessKeys, answered from Prefetch when it made the read (a copy: callers sort it).
func (u *UserReads) AccessKeys(ctx context.Context) ([]AccessKey, error) {
	keys, err := prefetched(u.keys, func() ([]AccessKey, error) { return u.c.ListAccessKeys(ctx, u.name) })
	return append([]AccessKey(nil), keys...), err
}

// LoginProfile is GetLoginProfile, answered from Prefetch when it made the read.
func (u *UserReads) LoginProfile(ctx context.Context) (*LoginProfile, error) {
	return prefetched(u.login, func() (*LoginProfile, error) { return u.c.GetLoginProfile(ctx, u.name) })
}

// Groups is ListGroupsForUser, answered from Prefetch when it made the read.
func (u *UserReads) Groups(ctx context.Context) ([]string, error) {
	return prefetched(u.groups, func() ([]string, error) { return u.c.ListGroupsForUser(ctx, u.name) })
}

func prefetched[T any](r *result[T], read func() (T, error)) (T, error) {
	if r != nil {
		return r.v, r.err
	}
	return read()
}
