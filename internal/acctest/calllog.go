package acctest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sort"
	"time"
)

// CallLog records each call the emulator serves: its action, the entity it names and when it arrived and was
// answered. Which calls overlapped tells how many round trips of latency a resource waited for, a figure that,
// unlike wall time, does not grow with the machine's load.
type CallLog struct {
	recorder[Call]
}

// Call is one served call. Subject is "User/<name>", "Role/<name>" or "Policy/<name>" after the first of
// UserName, RoleName and PolicyName the call carries ("" for none).
type Call struct {
	Action, Subject string
	Start, End      time.Time
}

// Wrap returns h recording every call in l.
func (l *CallLog) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		params := r.URL.Query()
		if r.Body != nil {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil {
				for k, v := range form {
					params[k] = v
				}
			}
		}
		c := Call{Action: params.Get("Action"), Start: time.Now()}
		for _, k := range []string{"User", "Role", "Policy"} {
			if v := params.Get(k + "Name"); v != "" {
				c.Subject = k + "/" + v
				break
			}
		}
		h.ServeHTTP(w, r)
		c.End = time.Now()
		l.add(c)
	})
}

// Calls returns the calls recorded since the last Reset, in the order they were answered.
func (l *CallLog) Calls() []Call { return l.all() }

// RoundTrips returns, per subject, the longest chain of its calls each made after the previous one was
// answered: how many round trips of latency the calls about that entity cost at least. Calls in flight
// together count once.
func RoundTrips(calls []Call) map[string]int {
	bySubject := map[string][]Call{}
	for _, c := range calls {
		if c.Subject != "" {
			bySubject[c.Subject] = append(bySubject[c.Subject], c)
		}
	}
	out := map[string]int{}
	for s, cs := range bySubject {
		// Earliest answer first, then each call that started after the chain's last answer: the longest set
		// of calls no two of which overlapped.
		sort.Slice(cs, func(i, j int) bool { return cs[i].End.Before(cs[j].End) })
		var last time.Time
		for _, c := range cs {
			if !c.Start.Before(last) {
				out[s]++
				last = c.End
			}
		}
	}
	return out
}

// MaxInFlight returns, per subject, the most of its calls that were in flight at one moment.
func MaxInFlight(calls []Call) map[string]int {
	type edge struct {
		at    time.Time
		delta int
	}
	bySubject := map[string][]edge{}
	for _, c := range calls {
		if c.Subject != "" {
			bySubject[c.Subject] = append(bySubject[c.Subject], edge{c.Start, 1}, edge{c.End, -1})
		}
	}
	out := map[string]int{}
	for s, es := range bySubject {
		sort.Slice(es, func(i, j int) bool {
			if !es[i].at.Equal(es[j].at) {
				return es[i].at.Before(es[j].at)
			}
			return es[i].delta < es[j].delta // an answer before a call at the same instant: not overlapping
		})
		n := 0
		for _, e := range es {
			if n += e.delta; n > out[s] {
				out[s] = n
			}
		}
	}
	return out
}
