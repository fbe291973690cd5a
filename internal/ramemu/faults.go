package ramemu

import (
	"fmt"
	"math"
	"math/rand"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// faults is the middleware in front of the router: latency, random 503s and per-account throttling.
type faults struct {
	latency time.Duration
	rate    float64
	qps     float64

	mu       sync.Mutex
	rng      *rand.Rand
	limiters map[string]*rate.Limiter
}

func newFaults(o Options) *faults {
	return &faults{
		latency: o.Latency, rate: o.FaultRate, qps: o.ThrottleQPS,
		rng: rand.New(rand.NewSource(o.Seed)), limiters: map[string]*rate.Limiter{},
	}
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

// statsCounter counts every RPC call by "Ram.<Action>"/"Sts.<Action>" and errors by code.
type statsCounter struct {
	mu     sync.Mutex
	total  int64
	calls  map[string]int64
	errors map[string]int64
}

// Stats is a snapshot of the call counters.
type Stats struct {
	Total  int64            `json:"total"`
	Calls  map[string]int64 `json:"calls"`
	Errors map[string]int64 `json:"errors"`
}

func (c *statsCounter) reset() {
	c.mu.Lock()
	c.total, c.calls, c.errors = 0, map[string]int64{}, map[string]int64{}
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
	st := Stats{Total: c.total, Calls: make(map[string]int64, len(c.calls)), Errors: make(map[string]int64, len(c.errors))}
	for k, v := range c.calls {
		st.Calls[k] = v
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

// logCall writes one line per call: never parameters, so never a secret.
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
