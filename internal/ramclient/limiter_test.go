package ramclient

import (
	"container/heap"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time          { return f.t }
func (f *fakeClock) advance(d time.Duration) { f.t = f.t.Add(d) }

func newFakeLimiter() (*adaptiveLimiter, *fakeClock) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return newAdaptiveLimiter(clk.now), clk
}

func mustReserve(t *testing.T, l *adaptiveLimiter) time.Duration {
	t.Helper()
	return mustBook(t, l).wait
}

func mustBook(t *testing.T, l *adaptiveLimiter) booking {
	t.Helper()
	b, ok := l.reserve(time.Time{})
	if !ok {
		t.Fatal("reserve refused without a deadline")
	}
	return b
}

func TestLimiterUnlimitedUntilThrottled(t *testing.T) {
	l, clk := newFakeLimiter()
	for i := 0; i < 1000; i++ {
		b := mustBook(t, l)
		if b.wait != 0 {
			t.Fatalf("call %d waits %v on an account that never throttled", i, b.wait)
		}
		l.observe(b, false)
		clk.advance(time.Millisecond)
	}
	if r := l.Rate(); r != 0 {
		t.Fatalf("rate %v, want unlimited (0)", r)
	}
}

func TestLimiterFirstCutFollowsWhatWasAccepted(t *testing.T) {
	l, clk := newFakeLimiter()
	// 30 calls accepted over 1.5 s; 20 of them in the last second.
	for i := 0; i < 30; i++ {
		l.observe(mustBook(t, l), false)
		clk.advance(50 * time.Millisecond)
	}
	l.observe(mustBook(t, l), true)
	if r := l.Rate(); !near(r, 14) {
		t.Fatalf("rate after the first throttle = %v, want 14 (70%% of the 20 accepted in the last second)", r)
	}
	// From now on calls are spaced at the new rate.
	interval := time.Second / 14
	for i, want := range []time.Duration{0, interval, 2 * interval} {
		if w := mustReserve(t, l); w != want {
			t.Errorf("wait %d after the cut = %v, want %v", i+1, w, want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestLimiterCutsOncePerCongestionDownToTheFloor(t *testing.T) {
	l, clk := newFakeLimiter()
	early := []booking{mustBook(t, l), mustBook(t, l), mustBook(t, l)}
	clk.advance(time.Millisecond)
	l.observe(early[0], true) // nothing accepted: straight to the floor
	if r := l.Rate(); r != 1 {
		t.Fatalf("rate = %v, want the floor 1", r)
	}
	if !l.stale(early[1]) {
		t.Error("a slot booked before the cut is not stale")
	}
	l.rate = 10
	// Calls booked before the cut, answered after it, are the same congestion: no second cut.
	l.observe(early[1], true)
	l.observe(early[2], true)
	if r := l.Rate(); r != 10 {
		t.Fatalf("rate = %v after throttles of calls booked before the cut, want 10", r)
	}
	want := []float64{7, 4.9, 3.43, 2.401, 1.6807, 1.17649, 1, 1}
	for i, w := range want {
		clk.advance(10 * time.Millisecond)
		b := mustBook(t, l)
		clk.advance(10 * time.Millisecond)
		l.observe(b, true)
		if r := l.Rate(); !near(r, w) {
			t.Fatalf("cut %d: rate %v, want %v", i+1, r, w)
		}
	}
	if l.throttles != int64(3+len(want)) {
		t.Errorf("throttles counted %d, want %d", l.throttles, 3+len(want))
	}
}

func TestLimiterRecoversAdditivelyThenForgets(t *testing.T) {
	l, clk := newFakeLimiter()
	l.rate, l.lastThrottle = 50, clk.now() // as after earlier throttling
	l.observe(mustBook(t, l), true)        // cut to 35 calls/s: +3.5 calls/s per quiet second
	// Successes every 250 ms: one step per full second without a throttle.
	for i := 1; i <= 40; i++ {
		clk.advance(250 * time.Millisecond)
		l.observe(booking{gen: l.gen}, false)
		if i%4 == 0 {
			if want := 35 + 3.5*float64(i/4); !near(l.Rate(), want) {
				t.Fatalf("after %d s: rate %v, want %v", i/4, l.Rate(), want)
			}
		}
	}
	// At the floor the step is minStep.
	l.observe(booking{gen: l.gen}, true)
	l.rate = 1
	l.observe(booking{gen: l.gen}, true)
	clk.advance(time.Second)
	l.observe(booking{gen: l.gen}, false)
	if r := l.Rate(); !near(r, 1.2) {
		t.Fatalf("a quiet second after a cut to the floor: rate %v, want 1.2", r)
	}
	// Pacing follows the rate.
	w1 := mustReserve(t, l)
	w2 := mustReserve(t, l)
	if d := w2 - w1; d != time.Duration(float64(time.Second)/l.Rate()) {
		t.Errorf("spacing at 1.2 calls/s = %v", d)
	}
	// Long enough without throttling, the account is unlimited again.
	clk.advance(l.forgetAfter)
	if r := l.Rate(); r != 0 {
		t.Fatalf("rate %v after %v without a throttle, want unlimited", r, l.forgetAfter)
	}
	if w := mustReserve(t, l); w != 0 {
		t.Errorf("wait %v once unlimited again", w)
	}
}

func TestLimiterReserveRespectsDeadline(t *testing.T) {
	l, clk := newFakeLimiter()
	l.observe(mustBook(t, l), true) // 1 call/s
	mustBook(t, l)                  // the next call is in 1 s
	if _, ok := l.reserve(clk.now().Add(500 * time.Millisecond)); ok {
		t.Fatal("reserved a slot after the deadline")
	}
	if b, ok := l.reserve(clk.now().Add(2 * time.Second)); !ok || b.wait != time.Second {
		t.Fatalf("reserve = %v, %v; want 1s, true (the refused reservation booked nothing)", b.wait, ok)
	}
}

// TestLimiterConvergesOnThrottledAccount simulates, on a fake clock, 10 workers calling without pause
// (50 ms per call) against an account that allows 10 calls/s with a burst of 10 (the emulator's
// --throttle-qps 10): the limiter must settle near the allowed rate with few throttled answers.
func TestLimiterConvergesOnThrottledAccount(t *testing.T) {
	const (
		workers = 10
		latency = 50 * time.Millisecond
		qps     = 10.0
		calls   = 600 // a minute's worth at the allowed rate
	)
	l, clk := newFakeLimiter()
	start := clk.now()
	bucket := tokenBucket{rate: qps, burst: qps, tokens: qps, at: start}

	var q eventQueue
	for w := 0; w < workers; w++ {
		heap.Push(&q, event{at: start, worker: w, kind: evReady})
	}
	done, throttled, throttledLate := 0, 0, 0
	for done < calls {
		ev := heap.Pop(&q).(event)
		clk.t = ev.at
		switch ev.kind {
		case evReady:
			b := mustBook(t, l)
			heap.Push(&q, event{at: ev.at.Add(b.wait), worker: ev.worker, kind: evSend, slot: b})
		case evSend: // as Client.waitSlot: a slot booked before a cut is booked again
			if ev.slot.wait > 0 && l.stale(ev.slot) {
				heap.Push(&q, event{at: ev.at, worker: ev.worker, kind: evReady})
				continue
			}
			ok := bucket.allow(ev.at)
			heap.Push(&q, event{at: ev.at.Add(latency), worker: ev.worker, kind: evAnswer, slot: ev.slot, throttled: !ok})
		case evAnswer:
			before := l.rate
			l.observe(ev.slot, ev.throttled)
			if l.rate != before && testing.Verbose() {
				t.Logf("%6.2fs rate %.2f -> %.2f (throttled %v)", ev.at.Sub(start).Seconds(), before, l.rate, ev.throttled)
			}
			if ev.throttled {
				throttled++
				if ev.at.Sub(start) > 10*time.Second {
					throttledLate++
				}
			} else {
				done++
			}
			heap.Push(&q, event{at: ev.at, worker: ev.worker, kind: evReady})
		}
	}
	elapsed := clk.now().Sub(start)
	floor := time.Duration(float64(calls) / qps * float64(time.Second))
	t.Logf("%d calls in %v (floor %v), %d throttled, %d of them after the first 10 s; final rate %.1f/s",
		calls, elapsed, floor, throttled, throttledLate, l.Rate())
	if throttled > calls/20 {
		t.Errorf("%d throttled answers for %d calls, want at most 5%%", throttled, calls)
	}
	if elapsed > floor*5/4 {
		t.Errorf("%d calls took %v, more than 1.25x the floor %v: the limiter is too timid", calls, elapsed, floor)
	}
	// Unlimited, the same workers would be throttled ~20 times a second.
	if throttledLate > 10 {
		t.Errorf("%d throttled answers after the first 10 s: not converged", throttledLate)
	}
}

type evKind int

const (
	evReady evKind = iota
	evSend
	evAnswer
)

type event struct {
	at        time.Time
	seq       int
	worker    int
	kind      evKind
	slot      booking
	throttled bool
}

// eventQueue orders events by time, then by insertion, so the simulation is deterministic.
type eventQueue struct {
	evs []event
	n   int
}

func (q *eventQueue) Len() int { return len(q.evs) }
func (q *eventQueue) Less(i, j int) bool {
	if !q.evs[i].at.Equal(q.evs[j].at) {
		return q.evs[i].at.Before(q.evs[j].at)
	}
	return q.evs[i].seq < q.evs[j].seq
}
func (q *eventQueue) Swap(i, j int) { q.evs[i], q.evs[j] = q.evs[j], q.evs[i] }
func (q *eventQueue) Push(x any) {
	e := x.(event)
	e.seq = q.n
	q.n++
	q.evs = append(q.evs, e)
}
func (q *eventQueue) Pop() any {
	e := q.evs[len(q.evs)-1]
	q.evs = q.evs[:len(q.evs)-1]
	return e
}

// tokenBucket is the server side of the simulation: a refused call takes no token.
type tokenBucket struct {
	rate, burst, tokens float64
	at                  time.Time
}

func (b *tokenBucket) allow(now time.Time) bool {
	b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// Clients of one account share the limiter: what one learnt from throttling paces the other.
func TestLimiterSharedByClientsOfOneAccount(t *testing.T) {
	var throttle atomic.Bool
	throttle.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if throttle.Swap(false) {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"RequestId":"R","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`))
			return
		}
		_, _ = w.Write([]byte(`{"RequestId":"R","AccountAlias":"a"}`))
	}))
	defer srv.Close()
	mk := func() *Client {
		c, err := New(Config{Credentials: staticCred(t), RAMEndpoint: srv.URL, STSEndpoint: srv.URL, MaxRetries: 3})
		if err != nil {
			t.Fatal(err)
		}
		c.backoffBase, c.backoffCap = time.Millisecond, time.Millisecond
		return c
	}
	c1, c2 := mk(), mk()
	if _, err := c1.AccountAlias(context.Background()); err != nil {
		t.Fatal(err)
	}
	l1, l2 := c1.accountLimiter(svcRAM), c2.accountLimiter(svcRAM)
	if l1 != l2 {
		t.Fatal("two clients of one account have separate limiters")
	}
	if l1.Rate() == 0 || l1.throttles != 1 {
		t.Fatalf("rate %v, throttles %d: the throttle was not recorded", l1.Rate(), l1.throttles)
	}
	// Another account (another key) on the same endpoint is not slowed down.
	other, err := New(Config{Credentials: stsCred(t), RAMEndpoint: srv.URL}) // another access key ID
	if err != nil {
		t.Fatal(err)
	}
	if lo := other.accountLimiter(svcRAM); lo == l1 || lo.Rate() != 0 {
		t.Fatalf("another account shares the limiter or is limited (rate %v)", lo.Rate())
	}
}

// An account earns overlapping calls by answering fanOutAfter in a row without flow control, loses it on a
// throttle and while paced, and earns it again once unlimited and clean again.
func TestLimiterOverlapIsEarned(t *testing.T) {
	l, clk := newFakeLimiter()
	answer := func(n int, throttled bool) {
		for i := 0; i < n; i++ {
			l.observe(mustBook(t, l), throttled)
			clk.advance(10 * time.Millisecond)
		}
	}
	if l.mayOverlap() {
		t.Fatal("a fresh account may overlap before answering anything")
	}
	answer(fanOutAfter-1, false)
	if l.mayOverlap() {
		t.Fatalf("overlap allowed after %d clean calls, want %d", fanOutAfter-1, fanOutAfter)
	}
	answer(1, false)
	if !l.mayOverlap() {
		t.Fatalf("overlap refused after %d clean calls", fanOutAfter)
	}
	answer(1, true)
	if l.mayOverlap() {
		t.Fatal("overlap allowed right after a throttle")
	}
	answer(2*fanOutAfter, false)
	if l.Rate() <= 0 || l.mayOverlap() {
		t.Fatalf("rate %v: overlap allowed while paced", l.Rate())
	}
	clk.advance(l.forgetAfter)
	answer(fanOutAfter, false)
	if l.Rate() != 0 || !l.mayOverlap() {
		t.Fatalf("rate %v, overlap %v after the limit was forgotten and %d clean calls", l.Rate(), l.mayOverlap(), fanOutAfter)
	}
}
