package ramclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
)

// fakeAPI is a tiny RAM/STS stand-in: each action answers through a handler returning status and a
// JSON body. It records every request it received.
type fakeAPI struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	handlers map[string]func(q url.Values) (int, any)
	calls    []url.Values
	delay    time.Duration
}

func newFake(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, handlers: map[string]func(url.Values) (int, any){}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	// Identity is needed by guarded writes.
	f.on("GetCallerIdentity", func(url.Values) (int, any) {
		return 200, map[string]any{"RequestId": "R", "AccountId": "1000000000000001", "Arn": "acs:ram::1000000000000001:root",
			"IdentityType": "Account", "PrincipalId": "1000000000000001", "UserId": "1000000000000001"}
	})
	return f
}

func (f *fakeAPI) on(action string, h func(q url.Values) (int, any)) {
	f.mu.Lock()
	f.handlers[action] = h
	f.mu.Unlock()
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	q := r.Form // query ∪ body
	f.mu.Lock()
	f.calls = append(f.calls, q)
	h := f.handlers[q.Get("Action")]
	delay := f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	status, body := 200, any(map[string]any{"RequestId": "REQ-OK"})
	if h != nil {
		status, body = h(q)
	} else if q.Get("Action") == "" {
		status, body = 400, apiErr("MissingAction", "Action is mandatory for this action.")
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (f *fakeAPI) count(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, q := range f.calls {
		if action == "" || q.Get("Action") == action {
			n++
		}
	}
	return n
}

func (f *fakeAPI) last(action string) url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].Get("Action") == action {
			return f.calls[i]
		}
	}
	return nil
}

func apiErr(code, msg string) map[string]any {
	return map[string]any{"RequestId": "REQ-ERR", "HostId": "ram.aliyuncs.com", "Code": code, "Message": msg,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + code}
}

// seq answers with the given responses in order, repeating the last one.
func seq(rs ...[2]any) func(url.Values) (int, any) {
	var mu sync.Mutex
	i := 0
	return func(url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		r := rs[min(i, len(rs)-1)]
		i++
		return r[0].(int), r[1]
	}
}

func resp(status int, body any) [2]any { return [2]any{status, body} }

func sp(s string) *string { return &s }

const (
	testAK     = "LTAI5tTestAccessKey0001"
	testSecret = "TestSecretValueNeverLogged0001"
	testToken  = "CAIStestSecurityTokenNeverLogged"
)

func staticCred(t *testing.T) credentials.Credential {
	c, err := credentials.NewCredential(&credentials.Config{Type: sp("access_key"), AccessKeyId: sp(testAK), AccessKeySecret: sp(testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func stsCred(t *testing.T) credentials.Credential {
	c, err := credentials.NewCredential(&credentials.Config{Type: sp("sts"), AccessKeyId: sp("STS." + testAK),
		AccessKeySecret: sp(testSecret), SecurityToken: sp(testToken)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newTestClient builds a Client against the fake with tiny timings.
func newTestClient(t *testing.T, f *fakeAPI, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{Credentials: staticCred(t), RAMEndpoint: f.srv.URL, STSEndpoint: f.srv.URL, MaxRetries: 5, QPS: 1000, Burst: 1000}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.backoffBase, c.backoffCap = time.Millisecond, 5*time.Millisecond
	c.consistencyBase, c.consistencyCap = time.Millisecond, 5*time.Millisecond
	c.consistencyWindow = 2 * time.Second
	return c
}

func roleBody(name string) map[string]any {
	return map[string]any{"RequestId": "R", "Role": map[string]any{"RoleId": "300000000000001", "RoleName": name,
		"Arn": "acs:ram::1000000000000001:role/" + name, "Description": "d", "AssumeRolePolicyDocument": `{"Version":"1"}`,
		"MaxSessionDuration": 3600, "CreateDate": "2026-01-01T00:00:00Z", "UpdateDate": "2026-01-01T00:00:00Z"}}
}

func notFound(kind string) [2]any {
	return resp(404, apiErr("EntityNotExist."+kind, fmt.Sprintf("The %s does not exist.", kind)))
}

// concurrently runs f in n goroutines at once and fails the test with the first error any returned.
func concurrently(t *testing.T, n int, f func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// cancelledCallerDoesNotFailOthers makes a shared read (the fake's delay keeps it in flight) with a first
// caller that gives up while it runs and a second one that waits: the first must fail, the second succeed
// (read checks, when second, what it got).
func cancelledCallerDoesNotFailOthers(t *testing.T, read func(ctx context.Context, second bool) error) {
	t.Helper()
	ctx1, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- read(ctx1, false) }()
	time.Sleep(20 * time.Millisecond)
	res := make(chan error, 1)
	go func() { res <- read(context.Background(), true) }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-done; err == nil {
		t.Error("cancelled caller got no error")
	}
	if err := <-res; err != nil {
		t.Errorf("second caller failed: %v", err)
	}
}
