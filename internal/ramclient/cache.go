package ramclient

import (
	"context"
	"strings"
	"sync"
	"time"
)

// readCache coalesces reads: concurrent callers for one key share a single API call, and a successful
// result is reused for a short TTL. Any write touching the key calls invalidate, which drops the entry
// and bumps the key's generation so later callers never join a read that started before the write.
//
// In-flight sharing is a small singleflight with waiter counting: the shared call runs on a context
// detached from any one caller (bounded by the first caller's deadline) and is cancelled only when
// every waiter has gone, so one caller giving up does not fail the others.
type readCache struct {
	c       *Client
	mu      sync.Mutex
	entries map[string]cacheEntry
	gens    map[string]uint64
	flights map[string]*flight
}

type cacheEntry struct {
	val any
	at  time.Time
	gen uint64
}

type flight struct {
	key     string
	gen     uint64
	done    chan struct{}
	val     any
	err     error
	waiters int
	cancel  context.CancelFunc
}

func newReadCache(c *Client) *readCache {
	return &readCache{c: c, entries: map[string]cacheEntry{}, gens: map[string]uint64{}, flights: map[string]*flight{}}
}

// sharedCallTimeout bounds a shared call whose first caller had no deadline.
const sharedCallTimeout = 5 * time.Minute

// get returns the cached value for key or runs fetch once for all concurrent callers. ttl 0 means
// only in-flight sharing. Each caller still returns when its own ctx ends.
func (rc *readCache) get(ctx context.Context, key string, ttl time.Duration, fetch func(ctx context.Context) (any, error)) (any, error) {
	rc.mu.Lock()
	gen := rc.gens[key]
	if e, ok := rc.entries[key]; ok && ttl > 0 && e.gen == gen && rc.c.now().Sub(e.at) < ttl {
		rc.mu.Unlock()
		return e.val, nil
	}
	fkey := key + "#" + itoa(gen)
	fl := rc.flights[fkey]
	if fl == nil {
		var fctx context.Context
		var cancel context.CancelFunc
		if dl, ok := ctx.Deadline(); ok {
			fctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), dl)
		} else {
			fctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), sharedCallTimeout)
		}
		fl = &flight{key: key, gen: gen, done: make(chan struct{}), cancel: cancel}
		rc.flights[fkey] = fl
		go func() {
			v, err := fetch(fctx)
			rc.mu.Lock()
			fl.val, fl.err = v, err
			if rc.flights[fkey] == fl {
				delete(rc.flights, fkey)
			}
			if err == nil && ttl > 0 && rc.gens[key] == gen {
				rc.entries[key] = cacheEntry{val: v, at: rc.c.now(), gen: gen}
			}
			rc.mu.Unlock()
			close(fl.done)
			cancel()
		}()
	}
	fl.waiters++
	rc.mu.Unlock()

	select {
	case <-fl.done:
		return fl.val, fl.err
	case <-ctx.Done():
		select {
		case <-fl.done: // finished at the same moment: prefer its result
			return fl.val, fl.err
		default:
		}
		rc.mu.Lock()
		fl.waiters--
		if fl.waiters == 0 {
			// Nobody waits any more: stop the call, and let later callers start afresh.
			fl.cancel()
			if rc.flights[fkey] == fl {
				delete(rc.flights, fkey)
			}
		}
		rc.mu.Unlock()
		action, _, _ := strings.Cut(key, "/")
		return nil, wrapError("RAM", action, ctx.Err(), nil)
	}
}

func (rc *readCache) invalidate(keys ...string) {
	rc.mu.Lock()
	for _, k := range keys {
		delete(rc.entries, k)
		rc.gens[k]++
	}
	rc.mu.Unlock()
}

// invalidatePrefix is invalidate for every key, cached or in flight, that starts with prefix: for writes
// that change what many keys show (a policy's default version appears in every attachment list).
func (rc *readCache) invalidatePrefix(prefix string) {
	rc.mu.Lock()
	for k := range rc.entries {
		if strings.HasPrefix(k, prefix) {
			delete(rc.entries, k)
			rc.gens[k]++
		}
	}
	for _, fl := range rc.flights {
		if strings.HasPrefix(fl.key, prefix) && rc.gens[fl.key] == fl.gen {
			rc.gens[fl.key]++
		}
	}
	rc.mu.Unlock()
}

func itoa(u uint64) string {
	if u == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for u > 0 {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	return string(b[i:])
}

// Cache and tracker keys. RAM names are case-insensitive, so keys are lower-cased.
func roleKey(n string) string   { return "role/" + strings.ToLower(n) }
func userKey(n string) string   { return "user/" + strings.ToLower(n) }
func policyKey(n string) string { return "policy/" + strings.ToLower(n) }
func loginKey(n string) string  { return "loginprofile/" + strings.ToLower(n) }

// attachmentListsPrefix starts the keys of both attachment lists.
const attachmentListsPrefix = "ListPoliciesFor"

func rolePoliciesKey(n string) string { return attachmentListsPrefix + "Role/" + strings.ToLower(n) }
func userPoliciesKey(n string) string { return attachmentListsPrefix + "User/" + strings.ToLower(n) }
func accessKeysKey(n string) string   { return "ListAccessKeys/" + strings.ToLower(n) }
func loginCacheKey(n string) string   { return "GetLoginProfile/" + strings.ToLower(n) }
func userGroupsKey(n string) string   { return "ListGroupsForUser/" + strings.ToLower(n) }
func getRoleKey(n string) string      { return "GetRole/" + strings.ToLower(n) }
func getUserKey(n string) string      { return "GetUser/" + strings.ToLower(n) }
func getPolicyKey(n, t string) string {
	return "GetPolicy/" + strings.ToLower(t) + "/" + strings.ToLower(n)
}

// tracker remembers what this client itself just created (until a read has seen it) and which dependents
// it just removed, so eventual-consistency errors are retried only where our own writes explain them.
type tracker struct {
	c       *Client
	mu      sync.Mutex
	created map[string]time.Time            // key => create time; dropped once a read saw the entity
	removed map[string]map[string]time.Time // key => dependents we removed => when
	// pending members of a list (attachments, access keys) we added but a list has not shown yet
	pending map[string]map[string]time.Time
}

func newTracker(c *Client) *tracker {
	return &tracker{c: c, created: map[string]time.Time{}, removed: map[string]map[string]time.Time{}, pending: map[string]map[string]time.Time{}}
}

func (t *tracker) markCreated(key string) { t.markCreatedAt(key, t.c.now()) }

// markCreatedAt records a create at `at`; an existing later record is kept.
func (t *tracker) markCreatedAt(key string, at time.Time) {
	t.mu.Lock()
	if prev, ok := t.created[key]; !ok || at.After(prev) {
		t.created[key] = at
	}
	t.mu.Unlock()
}

// seen records that a read observed the entity: from now on NotFound is real.
func (t *tracker) seen(key string) {
	t.mu.Lock()
	delete(t.created, key)
	t.mu.Unlock()
}

func (t *tracker) forget(key string) {
	t.mu.Lock()
	delete(t.created, key)
	delete(t.removed, key)
	delete(t.pending, key)
	t.mu.Unlock()
}

func (t *tracker) recentlyCreated(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.created[key]
	if !ok {
		return false
	}
	if t.c.now().Sub(at) > t.c.consistencyWindow {
		delete(t.created, key)
		return false
	}
	return true
}

// markRemoved records that we just removed dependent member (e.g. "policy:custom/p", "key:ltai...",
// "login", "version:v2", "role:r") of entity key.
func (t *tracker) markRemoved(key, member string) {
	t.mu.Lock()
	m := t.removed[key]
	if m == nil {
		m = map[string]time.Time{}
		t.removed[key] = m
	}
	m[strings.ToLower(member)] = t.c.now()
	t.mu.Unlock()
}

// onlyRemoved reports whether every member still listed is one we removed within the window, i.e. a
// DeleteConflict can be explained by replication lag after our own removals. An empty list counts too
// (the conflict came from a stale replica), but only if we removed something recently.
func (t *tracker) onlyRemoved(key string, members []string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.removed[key]
	now := t.c.now()
	recent := false
	for member, at := range m {
		if now.Sub(at) > t.c.consistencyWindow {
			delete(m, member)
			continue
		}
		recent = true
	}
	if !recent {
		return false
	}
	for _, member := range members {
		if _, ok := m[strings.ToLower(member)]; !ok {
			return false
		}
	}
	return true
}

func (t *tracker) addPending(list, member string) { t.addPendingAt(list, member, t.c.now()) }

// addPendingAt records a member added at `at`; an existing later record is kept.
func (t *tracker) addPendingAt(list, member string, at time.Time) {
	if member == "" {
		return
	}
	member = strings.ToLower(member)
	t.mu.Lock()
	m := t.pending[list]
	if m == nil {
		m = map[string]time.Time{}
		t.pending[list] = m
	}
	if prev, ok := m[member]; !ok || at.After(prev) {
		m[member] = at
	}
	t.mu.Unlock()
}

func (t *tracker) dropPending(list, member string) {
	t.mu.Lock()
	if m := t.pending[list]; m != nil {
		delete(m, strings.ToLower(member))
	}
	t.mu.Unlock()
}

// missingPending reports whether a list result lacks a member we recently added; members present are
// no longer pending.
func (t *tracker) missingPending(list string, present func(member string) bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.pending[list]
	missing := false
	for member, at := range m {
		switch {
		case present(member):
			delete(m, member)
		case t.c.now().Sub(at) > t.c.consistencyWindow:
			delete(m, member)
		default:
			missing = true
		}
	}
	return missing
}

// settle runs op; while it fails with a retryable consistency error (as judged by again), it retries
// with backoff 250ms→2s, bounded by the tracker's window and ctx's deadline.
func (c *Client) settle(ctx context.Context, op func() error, again func(err error) bool) error {
	err := op()
	start := c.now()
	for attempt := 1; err != nil && again(err); attempt++ {
		if c.now().Sub(start) > c.consistencyWindow {
			return err
		}
		d := jitterUp(c.consistencyBase, c.consistencyCap, attempt)
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(d).After(dl) {
			return err
		}
		if !sleepCtx(ctx, d) {
			return err
		}
		err = op()
	}
	return err
}

// jitterUp: exponential delay with a little jitter (never zero), for consistency waits.
func jitterUp(base, limit time.Duration, attempt int) time.Duration {
	d := expWindow(base, limit, attempt)
	return d/2 + jitter(d/2, d/2, 1)
}
