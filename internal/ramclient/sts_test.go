package ramclient

import (
	"context"
	"testing"
	"time"
)

func assumedBody() map[string]any {
	return map[string]any{"RequestId": "R",
		"AssumedRoleUser": map[string]any{"AssumedRoleId": "300:s", "Arn": "acs:ram::1000000000000001:role/r/s"},
		"Credentials": map[string]any{"AccessKeyId": "STS.abc", "AccessKeySecret": "x", "SecurityToken": "y",
			"Expiration": "2030-01-02T03:04:05Z"}}
}

// TestAssumeRoleThroughPropagation: a key STS does not know yet and a grant it does not apply yet are retried
// until they are in effect; other errors are not; a denial that outlasts the consistency window is returned,
// and so is one the deadline cuts short.
func TestAssumeRoleThroughPropagation(t *testing.T) {
	in := AssumeRoleInput{RoleARN: "acs:ram::1000000000000001:role/r", SessionName: "s"}
	notYet := resp(404, apiErr("InvalidAccessKeyId.NotFound", "Specified access key is not found."))
	denied := resp(403, apiErr("NoPermission", "You are not authorized to do this action."))

	f := newFake(t)
	f.on("AssumeRole", seq(notYet, notYet, denied, resp(200, assumedBody())))
	c := newTestClient(t, f, nil)
	if tc, err := c.AssumeRole(context.Background(), in); err != nil || tc.AccessKeyID != "STS.abc" {
		t.Fatalf("through propagation: %+v %v", tc, err)
	}
	if n := f.count("AssumeRole"); n != 4 {
		t.Errorf("%d AssumeRole calls, want 4", n)
	}

	f = newFake(t)
	f.on("AssumeRole", seq(resp(404, apiErr("EntityNotExist.Role", "The role not exists."))))
	c = newTestClient(t, f, nil)
	if _, err := c.AssumeRole(context.Background(), in); !IsNotFound(err) || f.count("AssumeRole") != 1 {
		t.Errorf("a missing role is not retried: %v, %d calls", err, f.count("AssumeRole"))
	}

	f = newFake(t)
	f.on("AssumeRole", seq(denied))
	c = newTestClient(t, f, nil)
	c.consistencyWindow = 300 * time.Millisecond
	start := time.Now()
	_, err := c.AssumeRole(context.Background(), in)
	if !IsPermission(err) || time.Since(start) > 2*time.Second || f.count("AssumeRole") < 2 {
		t.Errorf("a lasting denial: %v after %v and %d calls", err, time.Since(start), f.count("AssumeRole"))
	}

	c.consistencyWindow = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := c.AssumeRole(ctx, in); !IsPermission(err) || time.Since(start) > 2*time.Second {
		t.Errorf("the deadline bounds the wait: %v after %v", err, time.Since(start))
	}
}
