package ramemu

import (
	"fmt"
	"math"
	"math/rand"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// faults is the middleware around the router: latency, random 503s and per-account throttling before the
// action, lost answers after it.
type faults struct {
	latency time.Duration
	rate    float64
	qps     float64

	mu       sync.Mutex
	rng      *rand.Rand
	limiters map[string]*rate.Limiter
	dropRate float64 // guarded by mu: the admin API changes it at run time
}

func newFaults(o Options) *faults {
	return &faults{
		latency: o.Latency, rate: o.FaultRate, qps: o.ThrottleQPS, dropRate: o.DropResponseRate,
		rng: rand.New(rand.NewSource(o.Seed)), limiters: map[string]*rate.Limiter{},
	}
}

// dropResponse decides whether the answer to an action that has run is lost. Only write actions (those that
// change state, AssumeRole included) lose answers, whatever their outcome: that is where a lost answer
// matters, since the client cannot tell whether its write happened; reads would only need a plain retry.
func (f *faults) dropResponse(rq *request) bool {
	if rt := rq.handler(); rt == nil || !rt.write {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropRate > 0 && f.rng.Float64() < f.dropRate
}

func (f *faults) setDropRate(p float64) error {
	if p < 0 || p > 1 {
		return fmt.Errorf("drop response rate %v outside 0..1", p)
	}
	f.mu.Lock()
	f.dropRate = p
	f.mu.Unlock()
	return nil
}

func (f *faults) dropRateNow() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropRate
}

// SetDropResponseRate changes Options.DropResponseRate of a running server (also POST /_emulator/faults).
func (s *Server) SetDropResponseRate(p float64) error { return s.faults.setDropRate(p) }

// dropConnection closes the connection without an answer, as when the response is lost on the network: the
// client sees the connection reset (or EOF) after its request was received and carried out.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset rather than an orderly close
			}
			_ = conn.Close()
			return
		}
	}
	// HTTP/2 or a wrapped writer: abort the handler, which resets the stream or closes the connection.
	panic(http.ErrAbortHandler)
}

// before applies latency, then maybe a ServiceUnavailable (the SDK retries 5xx when AutoRetry is on).
func (f *faults) before(r *http.Request, rq *request) *apiError {
	if f.latency > 0 {
		t := time.NewTimer(f.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if f.rate > 0 {
		f.mu.Lock()
		hit := f.rng.Float64() < f.rate
		f.mu.Unlock()
		if hit {
			return errf(http.StatusServiceUnavailable, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")
		}
	}
	return nil
}

// throttle answers Throttling.User with HTTP 400, the status RAM/POP gateways typically use for flow control
// (ram-api.md §1.8; 429 is unconfirmed for RAM). The v1 SDK does not retry it; the provider must.
func (f *faults) throttle(rq *request) *apiError {
	if f.qps <= 0 || rq.caller == nil {
		return nil
	}
	id := rq.caller.acct.ID
	f.mu.Lock()
	l := f.limiters[id]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(f.qps), int(math.Max(1, math.Ceil(f.qps))))
		f.limiters[id] = l
	}
	f.mu.Unlock()
	if !l.Allow() {
		return errf(http.StatusBadRequest, "Throttling.User", "Request was denied due to user flow control.")
	}
	return nil
}

// statsCounter counts every RPC call by "Ram.<Action>"/"Sts.<Action>", errors by code and lost answers by
// action.
type statsCounter struct {
	mu      sync.Mutex
	total   int64
	calls   map[string]int64
	errors  map[string]int64
	dropped map[string]int64
}

// Stats is a snapshot of the call counters. A call whose answer was dropped counts in Calls (it was carried
// out) and in Dropped, never in Errors.
type Stats struct {
	Total   int64            `json:"total"`
	Calls   map[string]int64 `json:"calls"`
	Errors  map[string]int64 `json:"errors"`
	Dropped map[string]int64 `json:"dropped_responses"`
}

func (c *statsCounter) reset() {
	c.mu.Lock()
	c.total, c.calls, c.errors, c.dropped = 0, map[string]int64{}, map[string]int64{}, map[string]int64{}
	c.mu.Unlock()
}

func (c *statsCounter) recordDropped(name string) {
	c.mu.Lock()
	c.total++
	c.calls[name]++
	c.dropped[name]++
	c.mu.Unlock()
}

func (c *statsCounter) record(name string, e *apiError) {
	c.mu.Lock()
	c.total++
	if name != "" {
		c.calls[name]++
	}
	if e != nil {
		c.errors[e.Code]++
	}
	c.mu.Unlock()
}

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Stats{Total: c.total, Calls: make(map[string]int64, len(c.calls)), Errors: make(map[string]int64, len(c.errors)),
		Dropped: make(map[string]int64, len(c.dropped))}
	for k, v := range c.calls {
		st.Calls[k] = v
	}
	for k, v := range c.dropped {
		st.Dropped[k] = v
	}
	for k, v := range c.errors {
		st.Errors[k] = v
	}
	return st
}

// Stats returns the call counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the call counters.
func (s *Server) ResetStats() { s.stats.reset() }

var logMu sync.Mutex

// logCall writes one line per call: never parameters, so never a secret. Status 0 is an answer dropped.
func (s *Server) logCall(rq *request, status int, e *apiError, d time.Duration) {
	if s.opts.Log == nil {
		return
	}
	acct := "-"
	if rq.caller != nil {
		acct = rq.caller.acct.ID
	}
	action := rq.statName()
	if action == "" {
		action = "-"
	}
	code := "-"
	if e != nil {
		code = e.Code
	}
	line := fmt.Sprintf("%s account=%s action=%s status=%d code=%s duration=%s request_id=%s\n",
		time.Now().UTC().Format(time.RFC3339Nano), acct, action, status, code, d.Round(time.Microsecond), rq.requestID)
	logMu.Lock()
	_, _ = s.opts.Log.Write([]byte(line))
	logMu.Unlock()
}
