package ramclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		code   string
		status int
		want   Class
	}{
		{"EntityNotExist.Role", 404, ClassNotFound},
		{"EntityNotExist.User.LoginProfile", 404, ClassNotFound},
		{"SomethingElse", 404, ClassNotFound},
		{"EntityAlreadyExists.Role", 409, ClassAlreadyExists},
		{"EntityAlreadyExists.Role.Policy", 409, ClassAlreadyExists},
		{"DeleteConflict.Role.Policy", 409, ClassConflict},
		{"DeleteConflict.Policy.Version.Default", 409, ClassConflict},
		{"LimitExceeded.User.AccessKey", 409, ClassLimitExceeded},
		{"InvalidParameter.RoleName.Length", 400, ClassInvalid},
		{"InvalidParameter", 400, ClassInvalid},
		{"MalformedPolicyDocument", 400, ClassInvalid},
		{"MissingRoleName", 400, ClassInvalid},
		{"Throttling", 400, ClassThrottled},
		{"Throttling.User", 400, ClassThrottled},
		{"Throttling.Api", 503, ClassThrottled},
		{"Rejected.Throttling", 400, ClassThrottled},
		{"Whatever", 429, ClassThrottled},
		{"ServiceUnavailable", 503, ClassRetryable},
		{"InternalError", 500, ClassRetryable},
		{"Unexpected", 502, ClassRetryable},
		{"NoPermission", 403, ClassPermission},
		{"Forbidden.RAM", 403, ClassPermission},
		{"Other", 403, ClassPermission},
		{"SignatureDoesNotMatch", 400, ClassAuth},
		{"IncompleteSignature", 400, ClassAuth},
		{"InvalidAccessKeyId.NotFound", 404, ClassAuth},
		{"InvalidAccessKeyId.Inactive", 400, ClassAuth},
		{"InvalidSecurityToken.Expired", 400, ClassAuth},
		{"MissingSecurityToken", 400, ClassAuth},
		{"SomethingNew", 400, ClassUnknown},
	}
	for _, tc := range cases {
		if got := Classify(tc.code, tc.status); got != tc.want {
			t.Errorf("Classify(%q, %d) = %v, want %v", tc.code, tc.status, got, tc.want)
		}
	}
}

func TestClassifyThroughSDK(t *testing.T) {
	f := newFake(t)
	c := newTestClient(t, f, func(c *Config) { c.MaxRetries = 0 })
	cases := []struct {
		status int
		code   string
		check  func(error) bool
	}{
		{404, "EntityNotExist.Role", IsNotFound},
		{409, "EntityAlreadyExists.Role", IsAlreadyExists},
		{409, "DeleteConflict.Role.Policy", IsConflict},
		{400, "Throttling.User", IsThrottled},
		{403, "NoPermission", IsPermission},
		{400, "SignatureDoesNotMatch", IsAuth},
		{503, "ServiceUnavailable", IsRetryable},
	}
	for _, tc := range cases {
		f.on("GetRole", seq(resp(tc.status, apiErr(tc.code, "m"))))
		_, err := c.GetRole(context.Background(), "r")
		if !tc.check(err) || !HasCode(err, tc.code) {
			t.Errorf("%s: got %v (class %v)", tc.code, err, ClassOf(err))
		}
		var ae *APIError
		if !errors.As(err, &ae) || ae.HTTPStatus != tc.status || ae.RequestID != "REQ-ERR" || ae.Service != "RAM" || ae.Action != "GetRole" {
			t.Errorf("%s: APIError fields wrong: %#v", tc.code, ae)
		}
		if ae != nil && ae.Recommend == "" {
			t.Errorf("%s: Recommend dropped", tc.code)
		}
	}
	// Non-JSON 502 from a proxy: retryable, code synthesised from the status.
	f.on("GetRole", seq(resp(502, "bad gateway")))
	_, err := c.GetRole(context.Background(), "r")
	if !IsRetryable(err) {
		t.Errorf("502: %v class %v", err, ClassOf(err))
	}
}

func TestErrorText(t *testing.T) {
	e := &APIError{Service: "RAM", Action: "CreateRole", Code: "EntityAlreadyExists.Role", HTTPStatus: 409,
		Message: "The role does already EXIST.", RequestID: "ABC"}
	want := "RAM CreateRole: EntityAlreadyExists.Role (HTTP 409): The role does already EXIST. (request id ABC)"
	if e.Error() != want {
		t.Errorf("got %q want %q", e.Error(), want)
	}
}

func TestEndpointValidation(t *testing.T) {
	// A good endpoint gives its host; a bad one an error that mentions want, and New refuses it.
	for _, tc := range []struct{ in, host, want string }{
		{in: "http://127.0.0.1:18080", host: "127.0.0.1:18080"},
		{in: "https://ram.example.com", host: "ram.example.com"},
		{in: "https://host:8443/", host: "host:8443"},
		{in: "HTTPS://HOST", host: "HOST"},
		{in: "127.0.0.1:18080", want: "scheme"},
		{in: "ram.aliyuncs.com", want: "scheme"},
		{in: "ftp://host", want: "scheme must be http or https"},
		{in: "https://", want: "no host"},
		{in: "https://host/path", want: "path"},
		{in: "https://host?x=1", want: "query"},
		{in: "https://u:p@host", want: "user information"},
		{in: "https://host:99999", want: "port"},
		{in: "http://[::1", want: "not a valid URL"},
		{in: "https://host/#fragment", want: "path"},
	} {
		in, want := tc.in, tc.want
		_, h, err := ParseEndpoint(in)
		if want == "" {
			if err != nil || h != tc.host {
				t.Errorf("ParseEndpoint(%q) = %q, %v", in, h, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseEndpoint(%q) error %v, want it to mention %q", in, err, want)
		}
		_, err = New(Config{Credentials: staticCred(t), RAMEndpoint: in})
		if err == nil || !strings.Contains(err.Error(), "RAM endpoint") {
			t.Errorf("New with RAM endpoint %q: %v", in, err)
		}
		_, err = New(Config{Credentials: staticCred(t), STSEndpoint: in})
		if err == nil || !strings.Contains(err.Error(), "STS endpoint") {
			t.Errorf("New with STS endpoint %q: %v", in, err)
		}
	}
	c, err := New(Config{Credentials: staticCred(t), Region: "ap-southeast-1"})
	if err != nil {
		t.Fatal(err)
	}
	if c.RAMEndpoint() != "https://ram.aliyuncs.com" || c.STSEndpoint() != "https://sts.ap-southeast-1.aliyuncs.com" {
		t.Errorf("defaults: %s %s", c.RAMEndpoint(), c.STSEndpoint())
	}
	for _, cfg := range []Config{
		{},
		{Credentials: staticCred(t), MaxRetries: -1},
		{Credentials: staticCred(t), Region: "cn hangzhou"},
		{Credentials: staticCred(t), ExpectedAccountID: "123"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestNewMakesNoCall(t *testing.T) {
	f := newFake(t)
	_ = newTestClient(t, f, func(c *Config) { c.ExpectedAccountID = "1000000000000001" })
	if n := f.count(""); n != 0 {
		t.Fatalf("New made %d API calls", n)
	}
}

func TestThrottledRetriedThenSucceeds(t *testing.T) {
	f := newFake(t)
	f.on("GetRole", seq(resp(400, apiErr("Throttling.User", "Request was denied due to user flow control.")),
		resp(503, apiErr("ServiceUnavailable", "x")), resp(200, roleBody("r1"))))
	c := newTestClient(t, f, nil)
	r, err := c.GetRole(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "r1" || r.ARN != "acs:ram::1000000000000001:role/r1" || r.MaxSessionDuration != 3600 || r.TrustPolicy == "" {
		t.Errorf("role %+v", r)
	}
	if n := f.count("GetRole"); n != 3 {
		t.Errorf("attempts = %d, want 3", n)
	}
	if n := c.CallCount()["Ram.GetRole"]; n != 3 {
		t.Errorf("CallCount = %d, want 3", n)
	}
	c.ResetCallCount()
	if len(c.CallCount()) != 0 {
		t.Error("ResetCallCount did not reset")
	}
}

func TestRetriesBounded(t *testing.T) {
	f := newFake(t)
	f.on("GetRole", seq(resp(503, apiErr("ServiceUnavailable", "x"))))
	c := newTestClient(t, f, func(c *Config) { c.MaxRetries = 2 })
	_, err := c.GetRole(context.Background(), "r")
	if !IsRetryable(err) || f.count("GetRole") != 3 {
		t.Errorf("err %v, attempts %d (want 3)", err, f.count("GetRole"))
	}
}

func TestNonRetryableReturnedAtOnce(t *testing.T) {
	for _, r := range [][2]any{
		resp(400, apiErr("InvalidParameter.RoleName.Length", "too long")),
		resp(403, apiErr("NoPermission", "You are not authorized to do this action.")),
		notFound("Role"), // never created by us: a real absence surfaces at once
		resp(409, apiErr("DeleteConflict.Role.Policy", "x")),
	} {
		f := newFake(t)
		f.on("GetRole", seq(r))
		f.on("DeleteRole", seq(r))
		c := newTestClient(t, f, nil)
		if _, err := c.GetRole(context.Background(), "r"); err == nil {
			t.Fatal("no error")
		}
		if err := c.DeleteRole(context.Background(), "r"); err == nil {
			t.Fatal("no error")
		}
		if f.count("GetRole") != 1 || f.count("DeleteRole") != 1 {
			t.Errorf("%v: attempts GetRole=%d DeleteRole=%d, want 1 each", r[1], f.count("GetRole"), f.count("DeleteRole"))
		}
	}
}

func TestDeadlineRespected(t *testing.T) {
	f := newFake(t)
	f.on("GetRole", seq(resp(400, apiErr("Throttling.User", "flow control"))))
	c := newTestClient(t, f, func(c *Config) { c.MaxRetries = 100 })
	c.backoffBase, c.backoffCap = 50*time.Millisecond, 400*time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetRole(ctx, "r")
	el := time.Since(start)
	if el > 750*time.Millisecond {
		t.Errorf("took %v, deadline was 500ms", el)
	}
	if !IsThrottled(err) {
		t.Errorf("want the last throttling error, got %v", err)
	}
	if f.count("GetRole") < 2 {
		t.Errorf("expected some retries, got %d attempts", f.count("GetRole"))
	}

	// A hanging server: the deadline cuts the in-flight request.
	f2 := newFake(t)
	f2.delay = 3 * time.Second
	c2 := newTestClient(t, f2, nil)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	start = time.Now()
	_, err = c2.GetRole(ctx2, "r")
	if el := time.Since(start); el > 800*time.Millisecond || err == nil {
		t.Errorf("hanging call returned after %v with %v", el, err)
	}
}

func TestTransportErrorRetried(t *testing.T) {
	f := newFake(t)
	u := f.srv.URL
	f.srv.Close()
	c := newTestClient(t, f, func(c *Config) { c.RAMEndpoint = u; c.MaxRetries = 2; c.Credentials = stsCred(t) })
	_, err := c.GetRole(context.Background(), "r")
	if !IsRetryable(err) || c.CallCount()["Ram.GetRole"] != 3 {
		t.Errorf("err %v class %v, calls %d", err, ClassOf(err), c.CallCount()["Ram.GetRole"])
	}
	// The request URL's query (AccessKeyId, SecurityToken, Signature) never reaches the error text.
	for _, s := range []string{"Signature", "SecurityToken", "AccessKeyId", testAK, testToken, "?"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("transport error text contains %q: %s", s, err)
		}
	}
	if !strings.Contains(err.Error(), strings.TrimPrefix(u, "http://")) {
		t.Errorf("transport error should still name the host: %s", err)
	}
}

func TestNotFoundAfterOwnCreateRetried(t *testing.T) {
	f := newFake(t)
	f.on("CreateRole", seq(resp(200, roleBody("r1"))))
	f.on("GetRole", seq(notFound("Role"), notFound("Role"), resp(200, roleBody("r1")), notFound("Role")))
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	if _, err := c.CreateRole(ctx, CreateRoleInput{Name: "r1", TrustPolicy: "{}"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRole(ctx, "R1"); err != nil { // names are case-insensitive
		t.Fatalf("GetRole after create: %v", err)
	}
	if n := f.count("GetRole"); n != 3 {
		t.Errorf("GetRole attempts = %d, want 3", n)
	}
	// Seen once: a later absence is real and surfaces at once.
	if _, err := c.GetRole(ctx, "r1"); !IsNotFound(err) {
		t.Fatalf("want NotFound, got %v", err)
	}
	if n := f.count("GetRole"); n != 4 {
		t.Errorf("GetRole attempts = %d, want 4", n)
	}
	// Another role we did not create: no retry.
	if _, err := c.GetRole(ctx, "other"); !IsNotFound(err) || f.count("GetRole") != 5 {
		t.Errorf("other: %v, attempts %d", err, f.count("GetRole"))
	}
}

func TestNotFoundAfterCreateBounded(t *testing.T) {
	f := newFake(t)
	f.on("CreateUser", seq(resp(200, map[string]any{"RequestId": "R", "User": map[string]any{"UserName": "u", "UserId": "1"}})))
	f.on("GetUser", seq(notFound("User")))
	c := newTestClient(t, f, nil)
	c.consistencyWindow = 100 * time.Millisecond
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, CreateUserInput{Name: "u"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.GetUser(ctx, "u"); !IsNotFound(err) {
		t.Fatalf("want NotFound, got %v", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("window not bounded: %v", el)
	}
	if f.count("GetUser") < 2 {
		t.Errorf("no retry inside the window")
	}
}

func TestDeleteConflictAfterOwnDetachRetried(t *testing.T) {
	f := newFake(t)
	f.on("DeleteRole", seq(resp(409, apiErr("DeleteConflict.Role.Policy", "x")), resp(200, map[string]any{"RequestId": "R"})))
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	if err := c.DetachPolicyFromRole(ctx, "r", "System", "ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRole(ctx, "r"); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	if n := f.count("DeleteRole"); n != 2 {
		t.Errorf("DeleteRole attempts = %d, want 2", n)
	}
	// After our detach, but another policy is still attached: a real conflict, returned at once.
	f.on("DeleteRole", seq(resp(409, apiErr("DeleteConflict.Role.Policy", "x"))))
	f.on("ListPoliciesForRole", seq(resp(200, map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": []map[string]any{
		{"PolicyName": "ReadOnlyAccess", "PolicyType": "System"}, {"PolicyName": "Other", "PolicyType": "Custom"}}}})))
	if err := c.DetachPolicyFromRole(ctx, "r2", "System", "ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	before := f.count("DeleteRole")
	if err := c.DeleteRole(ctx, "r2"); !IsConflict(err) || f.count("DeleteRole")-before != 1 {
		t.Errorf("real conflict: %v, attempts %d", err, f.count("DeleteRole")-before)
	}
	// Same, but RAM still lists only what we detached: lag, retried.
	f.on("ListPoliciesForRole", seq(resp(200, map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": []map[string]any{
		{"PolicyName": "ReadOnlyAccess", "PolicyType": "System"}}}})))
	f.on("DeleteRole", seq(resp(409, apiErr("DeleteConflict.Role.Policy", "x")), resp(409, apiErr("DeleteConflict.Role.Policy", "x")),
		resp(200, map[string]any{"RequestId": "R"})))
	before = f.count("DeleteRole")
	if err := c.DeleteRole(ctx, "r2"); err != nil || f.count("DeleteRole")-before != 3 {
		t.Errorf("lagging list: %v, attempts %d", err, f.count("DeleteRole")-before)
	}
	// Without our own detach the conflict is returned at once.
	f.on("DeleteRole", seq(resp(409, apiErr("DeleteConflict.Role.Policy", "x"))))
	before = f.count("DeleteRole")
	if err := c.DeleteRole(ctx, "other"); !IsConflict(err) || f.count("DeleteRole")-before != 1 {
		t.Errorf("other: %v, attempts %d", err, f.count("DeleteRole")-before)
	}
}

func TestCoalescingAndInvalidation(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	attached := []map[string]any{{"PolicyName": "ReadOnlyAccess", "PolicyType": "System", "AttachDate": "2026-01-01T00:00:00Z"}}
	f.on("ListPoliciesForRole", func(url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		return 200, map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": append([]map[string]any(nil), attached...)}}
	})
	f.on("AttachPolicyToRole", func(q url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		attached = append(attached, map[string]any{"PolicyName": q.Get("PolicyName"), "PolicyType": q.Get("PolicyType")})
		return 200, map[string]any{"RequestId": "R"}
	})
	f.delay = 50 * time.Millisecond
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	concurrently(t, 20, func() error {
		ps, err := c.ListPoliciesForRole(ctx, "role1")
		if err == nil && (len(ps) != 1 || ps[0].Name != "ReadOnlyAccess" || ps[0].Type != "System") {
			err = errors.New("wrong list")
		}
		return err
	})
	if n := f.count("ListPoliciesForRole"); n != 1 {
		t.Fatalf("20 concurrent reads made %d calls, want 1", n)
	}
	// Within the TTL: served from the cache.
	if _, err := c.ListPoliciesForRole(ctx, "ROLE1"); err != nil || f.count("ListPoliciesForRole") != 1 {
		t.Fatalf("cached read: %v, calls %d", err, f.count("ListPoliciesForRole"))
	}
	// A write to the role drops the entry; the next read sees the write.
	if err := c.AttachPolicyToRole(ctx, "role1", "Custom", "p1"); err != nil {
		t.Fatal(err)
	}
	ps, err := c.ListPoliciesForRole(ctx, "role1")
	if err != nil || len(ps) != 2 || f.count("ListPoliciesForRole") != 2 {
		t.Fatalf("after write: %v %v, calls %d", ps, err, f.count("ListPoliciesForRole"))
	}
	// Other keys are independent.
	if _, err := c.ListPoliciesForRole(ctx, "role2"); err != nil || f.count("ListPoliciesForRole") != 3 {
		t.Fatalf("role2: %v calls %d", err, f.count("ListPoliciesForRole"))
	}
	// TTL expiry.
	c.cacheTTL = time.Millisecond
	time.Sleep(5 * time.Millisecond)
	if _, err := c.ListPoliciesForRole(ctx, "role1"); err != nil || f.count("ListPoliciesForRole") != 4 {
		t.Fatalf("after TTL: %v calls %d", err, f.count("ListPoliciesForRole"))
	}
}

func TestAttachmentPendingReread(t *testing.T) {
	f := newFake(t)
	lists := 0
	f.on("ListPoliciesForRole", func(url.Values) (int, any) {
		lists++
		ps := []map[string]any{}
		if lists >= 3 { // RAM shows the attachment only on the third read
			ps = append(ps, map[string]any{"PolicyName": "p1", "PolicyType": "Custom"})
		}
		return 200, map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": ps}}
	})
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	if err := c.AttachPolicyToRole(ctx, "r", "Custom", "p1"); err != nil {
		t.Fatal(err)
	}
	ps, err := c.ListPoliciesForRole(ctx, "r")
	if err != nil || len(ps) != 1 {
		t.Fatalf("%v %v", ps, err)
	}
	if f.count("ListPoliciesForRole") != 3 {
		t.Errorf("reads = %d, want 3", f.count("ListPoliciesForRole"))
	}
}

func TestReadWithCancelledCallerDoesNotFailOthers(t *testing.T) {
	f := newFake(t)
	f.delay = 100 * time.Millisecond
	f.on("ListAccessKeys", seq(resp(200, map[string]any{"RequestId": "R", "AccessKeys": map[string]any{"AccessKey": []map[string]any{{"AccessKeyId": "LTAIx", "Status": "Active"}}}})))
	c := newTestClient(t, f, nil)
	cancelledCallerDoesNotFailOthers(t, func(ctx context.Context, second bool) error {
		ks, err := c.ListAccessKeys(ctx, "u")
		if second && err == nil && len(ks) != 1 {
			err = errors.New("wrong keys")
		}
		return err
	})
	if f.count("ListAccessKeys") != 1 {
		t.Errorf("calls = %d", f.count("ListAccessKeys"))
	}
}

func TestExpectedAccountGuard(t *testing.T) {
	f := newFake(t)
	f.on("GetCallerIdentity", seq(resp(200, map[string]any{"RequestId": "R", "AccountId": "1000000000000002",
		"Arn": "acs:ram::1000000000000002:root", "IdentityType": "Account"})))
	c := newTestClient(t, f, func(c *Config) { c.ExpectedAccountID = "1000000000000001" })
	ctx := context.Background()
	writes := []func() error{
		func() error { _, err := c.CreateRole(ctx, CreateRoleInput{Name: "r", TrustPolicy: "{}"}); return err },
		func() error {
			_, err := c.UpdateRole(ctx, UpdateRoleInput{Name: "r", Description: sp("x")})
			return err
		},
		func() error { return c.DeleteRole(ctx, "r") },
		func() error { _, err := c.CreatePolicy(ctx, CreatePolicyInput{Name: "p", Document: "{}"}); return err },
		func() error { return c.UpdatePolicyDescription(ctx, "p", "d") },
		func() error { _, err := c.CreatePolicyVersion(ctx, "p", "{}", true, true); return err },
		func() error { return c.DeletePolicyVersion(ctx, "p", "v1") },
		func() error { return c.DeletePolicy(ctx, "p") },
		func() error { return c.AttachPolicyToRole(ctx, "r", "System", "p") },
		func() error { return c.DetachPolicyFromRole(ctx, "r", "System", "p") },
		func() error { return c.AttachPolicyToUser(ctx, "u", "System", "p") },
		func() error { return c.DetachPolicyFromUser(ctx, "u", "System", "p") },
		func() error { _, err := c.CreateUser(ctx, CreateUserInput{Name: "u"}); return err },
		func() error { _, err := c.UpdateUser(ctx, UpdateUserInput{Name: "u", Comments: sp("c")}); return err },
		func() error { return c.DeleteUser(ctx, "u") },
		func() error {
			_, err := c.CreateLoginProfile(ctx, LoginProfileInput{UserName: "u", Password: "x"})
			return err
		},
		func() error { return c.UpdateLoginProfile(ctx, UpdateLoginProfileInput{UserName: "u"}) },
		func() error { return c.DeleteLoginProfile(ctx, "u") },
		func() error { _, err := c.CreateAccessKey(ctx, "u"); return err },
		func() error { return c.DeleteAccessKey(ctx, "u", "k") },
		func() error { return c.TagResource(ctx, "role", "r", map[string]string{"a": "b"}) },
		func() error { return c.UntagResource(ctx, "role", "r", []string{"a"}) },
	}
	// Reads are guarded too: in the wrong account they would answer "not found" and empty the state.
	reads := []func() error{
		func() error { _, err := c.GetRole(ctx, "r"); return err },
		func() error { _, err := c.GetUser(ctx, "u"); return err },
		func() error { _, err := c.GetPolicy(ctx, "p", "Custom"); return err },
		func() error { _, err := c.ListUsers(ctx); return err },
		func() error { _, err := c.ListAccessKeys(ctx, "u"); return err },
		func() error { _, err := c.ListTags(ctx, "role", "r"); return err },
		func() error { _, err := c.AccountAlias(ctx); return err },
		func() error { _, err := c.CallerIdentity(ctx); return err },
		func() error {
			_, err := c.AssumeRole(ctx, AssumeRoleInput{RoleARN: "acs:ram::1000000000000001:role/r", SessionName: "s"})
			return err
		},
	}
	want := "the provider's credentials belong to account 1000000000000002, but expected_account_id is 1000000000000001; refusing to read or change anything in the wrong account"
	for i, w := range append(writes, reads...) {
		err := w()
		var me *AccountMismatchError
		if !errors.As(err, &me) || err.Error() != want {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if n := f.count(""); n != 1 || f.count("GetCallerIdentity") != 1 {
		t.Errorf("want exactly one call (GetCallerIdentity), got %d: %v", n, c.CallCount())
	}
}

func TestIdentityCachedErrorsNot(t *testing.T) {
	f := newFake(t)
	f.on("GetCallerIdentity", seq(resp(503, apiErr("ServiceUnavailable", "x")),
		resp(200, map[string]any{"RequestId": "R", "AccountId": "1000000000000001", "Arn": "acs:ram::1000000000000001:user/alice",
			"IdentityType": "RAMUser", "PrincipalId": "2000", "UserId": "2000"})))
	c := newTestClient(t, f, func(c *Config) { c.MaxRetries = 0 })
	ctx := context.Background()
	if _, err := c.CallerIdentity(ctx); !IsRetryable(err) {
		t.Fatalf("want retryable error, got %v", err)
	}
	id, err := c.CallerIdentity(ctx)
	if err != nil || id.AccountID != "1000000000000001" || id.IdentityType != "RAMUser" || id.UserID != "2000" || id.ARN != "acs:ram::1000000000000001:user/alice" {
		t.Fatalf("%+v %v", id, err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = c.AccountID(ctx) }()
	}
	wg.Wait()
	if f.count("GetCallerIdentity") != 2 {
		t.Errorf("GetCallerIdentity calls = %d, want 2", f.count("GetCallerIdentity"))
	}
}

func TestIdentityWithCancelledCallerDoesNotFailOthers(t *testing.T) {
	f := newFake(t)
	f.delay = 100 * time.Millisecond
	c := newTestClient(t, f, nil)
	cancelledCallerDoesNotFailOthers(t, func(ctx context.Context, second bool) error {
		id, err := c.CallerIdentity(ctx)
		if second && err == nil && id.AccountID != "1000000000000001" {
			err = fmt.Errorf("wrong identity %+v", id)
		}
		return err
	})
	if n := f.count("GetCallerIdentity"); n != 1 {
		t.Errorf("GetCallerIdentity calls = %d, want 1", n)
	}
}

// The account facts a plan renders ARNs and logon names with: expected_account_id costs no call, the alias
// one call per client, and a plan-time lookup is bounded and fails once per client, not once per resource.
func TestPlanAccountFacts(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	f.on("GetAccountAlias", seq(resp(200, map[string]any{"RequestId": "R", "AccountAlias": "enterprise-b"})))

	withExpected := newTestClient(t, f, func(c *Config) { c.ExpectedAccountID = "1000000000000002" })
	if id, err := withExpected.PlanAccountID(ctx); err != nil || id != "1000000000000002" {
		t.Fatalf("PlanAccountID with expected_account_id: %q %v", id, err)
	}
	if n := f.count(""); n != 0 {
		t.Fatalf("expected_account_id: %d calls, want none", n)
	}

	c := newTestClient(t, f, nil)
	for i := 0; i < 3; i++ {
		if id, err := c.PlanAccountID(ctx); err != nil || id != "1000000000000001" {
			t.Fatalf("PlanAccountID: %q %v", id, err)
		}
		if a, err := c.PlanAccountAlias(ctx); err != nil || a != "enterprise-b" {
			t.Fatalf("PlanAccountAlias: %q %v", a, err)
		}
		if a, err := c.AccountAlias(ctx); err != nil || a != "enterprise-b" {
			t.Fatalf("AccountAlias: %q %v", a, err)
		}
	}
	if f.count("GetCallerIdentity") != 1 || f.count("GetAccountAlias") != 1 {
		t.Errorf("calls: %v, want one GetCallerIdentity and one GetAccountAlias", c.CallCount())
	}

	// A hanging endpoint: the plan waits at most the bound, and only once.
	slow := newFake(t)
	slow.delay = time.Second
	sc := newTestClient(t, slow, nil)
	sc.planLookupTimeout = 50 * time.Millisecond
	start := time.Now()
	if _, err := sc.PlanAccountAlias(ctx); err == nil {
		t.Fatal("PlanAccountAlias on a hanging endpoint succeeded")
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("PlanAccountAlias waited %v, bound 50ms", el)
	}
	calls := slow.count("")
	start = time.Now()
	if _, err := sc.PlanAccountAlias(ctx); err == nil || time.Since(start) > 20*time.Millisecond || slow.count("") != calls {
		t.Errorf("second PlanAccountAlias after a failure: %v after %v, %d new calls", err, time.Since(start), slow.count("")-calls)
	}
	// Apply's own lookups are not affected by the plan's memory of a failure.
	slow.mu.Lock()
	slow.delay = 0
	slow.mu.Unlock()
	if _, err := sc.AccountAlias(ctx); err != nil {
		t.Errorf("AccountAlias after a failed plan lookup: %v", err)
	}
}

// A policy write changes what the attachment lists show of that policy (DefaultVersion, Description), so
// cached lists must not outlive it.
func TestPolicyWriteDropsCachedAttachmentLists(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	version, desc := "v1", "d1"
	list := func(url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		return 200, map[string]any{"RequestId": "R", "Policies": map[string]any{"Policy": []map[string]any{
			{"PolicyName": "p1", "PolicyType": "Custom", "DefaultVersion": version, "Description": desc}}}}
	}
	f.on("ListPoliciesForRole", list)
	f.on("ListPoliciesForUser", list)
	f.on("CreatePolicyVersion", func(url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		version = "v2"
		return 200, map[string]any{"RequestId": "R", "PolicyVersion": map[string]any{"VersionId": "v2", "IsDefaultVersion": true}}
	})
	f.on("UpdatePolicyDescription", func(url.Values) (int, any) {
		mu.Lock()
		defer mu.Unlock()
		desc = "d2"
		return 200, map[string]any{"RequestId": "R"}
	})
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	read := func(step string, wantVersion, wantDesc string) {
		t.Helper()
		rs, err := c.ListPoliciesForRole(ctx, "r")
		if err != nil || len(rs) != 1 || rs[0].DefaultVersion != wantVersion || rs[0].Description != wantDesc {
			t.Fatalf("%s: role list %+v %v, want %s %s", step, rs, err, wantVersion, wantDesc)
		}
		us, err := c.ListPoliciesForUser(ctx, "u")
		if err != nil || len(us) != 1 || us[0].DefaultVersion != wantVersion || us[0].Description != wantDesc {
			t.Fatalf("%s: user list %+v %v, want %s %s", step, us, err, wantVersion, wantDesc)
		}
	}
	read("first", "v1", "d1")
	read("cached", "v1", "d1")
	if n := f.count("ListPoliciesForRole") + f.count("ListPoliciesForUser"); n != 2 {
		t.Fatalf("list calls = %d, want 2 (second read cached)", n)
	}
	if _, err := c.CreatePolicyVersion(ctx, "p1", "{}", true, false); err != nil {
		t.Fatal(err)
	}
	read("after CreatePolicyVersion", "v2", "d1")
	if err := c.UpdatePolicyDescription(ctx, "p1", "d2"); err != nil {
		t.Fatal(err)
	}
	read("after UpdatePolicyDescription", "v2", "d2")
}

// TestUpdateLoginProfileSendsOnlySetFlags: a nil flag is left out of the request (RAM keeps its value, which
// the user's own actions may have changed); a set one is sent, false too.
func TestUpdateLoginProfileSendsOnlySetFlags(t *testing.T) {
	f := newFake(t)
	f.on("UpdateLoginProfile", seq(resp(200, map[string]any{"RequestId": "R"})))
	c := newTestClient(t, f, nil)
	no := false
	if err := c.UpdateLoginProfile(context.Background(), UpdateLoginProfileInput{UserName: "u", MFABindRequired: &no}); err != nil {
		t.Fatal(err)
	}
	q := f.last("UpdateLoginProfile")
	if _, sent := q["PasswordResetRequired"]; sent {
		t.Errorf("PasswordResetRequired sent (%q) though not set", q.Get("PasswordResetRequired"))
	}
	if q.Get("MFABindRequired") != "false" {
		t.Errorf("MFABindRequired = %q, want false", q.Get("MFABindRequired"))
	}
	if _, sent := q["Password"]; sent {
		t.Errorf("Password sent though empty")
	}
}
