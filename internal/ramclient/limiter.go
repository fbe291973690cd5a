package ramclient

import (
	"sync"
	"time"
)

// adaptiveLimiter paces the calls of one account to the rate the account allows, which the client learns
// from the throttling it sees (AIMD, as TCP does with its window):
//
//   - an account that has not throttled is not limited at all (concurrency is bounded by the CLI's
//     -parallelism);
//   - the first Throttling answer sets the rate to 70% of what the account accepted in the last second;
//     every later one cuts it to 70%, never below minRate (the throttled call itself backs off in invoke);
//     throttles of calls booked before the last cut are the same congestion and do not cut again, and a slot
//     booked before a cut is booked again at the new rate;
//   - each increaseEvery without a throttle adds a tenth of the rate the last cut set (at least minStep):
//     an additive increase scaled to the account, so an account allowing 3 calls/s is probed as gently as
//     one allowing 100;
//   - forgetAfter without a throttle lifts the limit again.
//
// A caller that would overlap calls of its own (UserReads.Prefetch) asks mayOverlap first: an account earns
// that extra concurrency by answering fanOutAfter calls in a row without flow control while unlimited. A
// fresh process facing an account whose limit it does not know yet therefore sends no more at once than the
// CLI's own parallelism, whose burst a throttling account absorbs, instead of a fan-out the account answers
// mostly with Throttling (TestDelegationUnderThrottling's plan: 15 of 46 calls throttled with the fan-out
// from the first call).
//
// Simulated against a 10 calls/s account (TestLimiterConvergesOnThrottledAccount) this runs within a few
// percent of the account's rate with about one throttled call per 30.
//
// All clients of one account in a provider process share one limiter (see limiterFor). Time comes from now,
// so tests drive it with a fake clock.
type adaptiveLimiter struct {
	now func() time.Time

	minRate       float64       // calls/s floor of a cut
	decrease      float64       // factor applied to the rate on a cut
	increaseStep  float64       // fraction of the rate set by the last cut added per quiet window
	minStep       float64       // calls/s: the least added per quiet window
	increaseEvery time.Duration // the quiet window
	forgetAfter   time.Duration // quiet time after which the account is unlimited again

	mu           sync.Mutex
	rate         float64     // calls/s; 0 = unlimited
	step         float64     // calls/s added per quiet window since the last cut
	gen          int64       // cuts so far: a booking made in an older generation is stale
	next         time.Time   // earliest send time of the next call while limited
	windowStart  time.Time   // start of the current quiet window (additive increase)
	lastThrottle time.Time   // last throttle seen
	accepted     []time.Time // while unlimited: when the calls of the last second were accepted
	throttles    int64       // throttled answers seen, for diagnostics and tests
	clean        int         // calls answered without flow control since the last throttle (capped)
}

// fanOutAfter is how many calls in a row an account answers without throttling before mayOverlap allows a
// caller to overlap its own calls: the CLI's default -parallelism.
const fanOutAfter = 10

func newAdaptiveLimiter(now func() time.Time) *adaptiveLimiter {
	return &adaptiveLimiter{
		now:           now,
		minRate:       1,
		decrease:      0.7,
		increaseStep:  0.1,
		minStep:       0.2,
		increaseEvery: time.Second,
		forgetAfter:   2 * time.Minute,
	}
}

// booking is a reserved send slot, of the generation it was booked in.
type booking struct {
	wait time.Duration // until the slot
	gen  int64
}

// reserve books the send time of one call and returns how long the caller waits for it. ok is false, and
// nothing is booked, when that time would be after deadline (a zero deadline: none).
func (l *adaptiveLimiter) reserve(deadline time.Time) (b booking, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.forgetIfQuiet(now)
	b.gen = l.gen
	if l.rate <= 0 {
		return b, true
	}
	at := now
	if l.next.After(at) {
		at = l.next
	}
	if !deadline.IsZero() && at.After(deadline) {
		return b, false
	}
	l.next = at.Add(l.interval())
	b.wait = at.Sub(now)
	return b, true
}

// stale reports whether the rate was cut since b was booked: its slot was spaced for the old rate.
func (l *adaptiveLimiter) stale(b booking) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return b.gen != l.gen
}

// observe records the outcome of a call sent with booking b: throttled or not (any other answer or error).
func (l *adaptiveLimiter) observe(b booking, throttled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !throttled {
		if l.clean < fanOutAfter {
			l.clean++
		}
		l.forgetIfQuiet(now)
		if l.rate <= 0 {
			l.accepted = append(l.accepted, now)
			l.pruneAccepted(now)
			return
		}
		if now.Sub(l.windowStart) >= l.increaseEvery {
			l.rate += l.step
			l.windowStart = now
		}
		return
	}
	l.throttles++
	l.clean = 0
	l.lastThrottle = now
	if b.gen != l.gen {
		return // booked at the old rate: the cut already answered this congestion
	}
	if l.rate <= 0 {
		l.pruneAccepted(now)
		l.rate = float64(len(l.accepted)) * l.decrease
		l.accepted = nil
	} else {
		l.rate *= l.decrease
	}
	l.rate = max(l.rate, l.minRate)
	l.step = max(l.minStep, l.rate*l.increaseStep)
	l.gen++
	l.windowStart = now
}

// mayOverlap reports whether a caller may overlap calls of its own on this account: it is not being paced
// and has answered fanOutAfter calls in a row without throttling.
func (l *adaptiveLimiter) mayOverlap() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIfQuiet(l.now())
	return l.rate <= 0 && l.clean >= fanOutAfter
}

// forgetIfQuiet lifts the limit after forgetAfter without a throttle.
func (l *adaptiveLimiter) forgetIfQuiet(now time.Time) {
	if l.rate > 0 && now.Sub(l.lastThrottle) >= l.forgetAfter {
		l.rate, l.next, l.accepted = 0, time.Time{}, nil
		l.gen++
	}
}

// pruneAccepted keeps the acceptances of the last second.
func (l *adaptiveLimiter) pruneAccepted(now time.Time) {
	i := 0
	for i < len(l.accepted) && now.Sub(l.accepted[i]) > time.Second {
		i++
	}
	l.accepted = l.accepted[i:]
}

func (l *adaptiveLimiter) interval() time.Duration {
	return time.Duration(float64(time.Second) / l.rate)
}

// Rate returns the current rate in calls/s, 0 when unlimited.
func (l *adaptiveLimiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIfQuiet(l.now())
	return l.rate
}

// accountLimiters holds one limiter per endpoint and access key ID for the whole provider process: every
// client of one account, and the retries of all its calls, share what it has learnt.
var accountLimiters = struct {
	sync.Mutex
	m map[string]*adaptiveLimiter
}{m: map[string]*adaptiveLimiter{}}

func limiterFor(key string) *adaptiveLimiter {
	accountLimiters.Lock()
	defer accountLimiters.Unlock()
	l := accountLimiters.m[key]
	if l == nil {
		l = newAdaptiveLimiter(time.Now)
		accountLimiters.m[key] = l
	}
	return l
}

// accountLimiter is the adaptive limiter of this client's account for svc, keyed by the service endpoint
// and the access key ID; until credentials can be read it is a limiter of this client alone.
func (c *Client) accountLimiter(svc string) *adaptiveLimiter {
	c.limMu.Lock()
	defer c.limMu.Unlock()
	if l := c.limiters[svc]; l != nil {
		return l
	}
	ep := c.ramEP
	if svc == svcSTS {
		ep = c.stsEP
	}
	m, err := c.creds.cred.GetCredential()
	if err != nil || m == nil || m.AccessKeyId == nil || *m.AccessKeyId == "" {
		// The call fails on its credentials anyway; do not remember a limiter no other client can share.
		return newAdaptiveLimiter(time.Now)
	}
	l := limiterFor(ep.String() + "|" + *m.AccessKeyId)
	c.limiters[svc] = l
	return l
}
