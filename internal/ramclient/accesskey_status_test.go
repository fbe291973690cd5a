package ramclient

import (
	"context"
	"net/url"
	"testing"
)

// UpdateAccessKey sends the status; a key this client just created that RAM does not show yet is retried
// (replication lag), while NotFound for any other key is the answer.
func TestUpdateAccessKey(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	c := newTestClient(t, f, nil)
	f.on("ListAccessKeys", seq(resp(200, map[string]any{"RequestId": "R", "AccessKeys": map[string]any{"AccessKey": []any{}}})))
	f.on("CreateAccessKey", seq(resp(200, map[string]any{"RequestId": "R", "AccessKey": map[string]any{
		"AccessKeyId": "LTAI5tFreshKey", "AccessKeySecret": "s3cr3t", "Status": "Active", "CreateDate": "2026-01-01T00:00:00Z"}})))
	k, err := c.CreateAccessKey(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}

	f.on("UpdateAccessKey", seq(notFound("User.AccessKey"), notFound("User.AccessKey"), resp(200, map[string]any{"RequestId": "R"})))
	if err := c.UpdateAccessKey(ctx, "app", k.ID, AccessKeyInactive); err != nil {
		t.Fatalf("the fresh key's NotFound should be retried: %v", err)
	}
	if n := f.count("UpdateAccessKey"); n != 3 {
		t.Fatalf("UpdateAccessKey sent %d times, want 3", n)
	}
	want := url.Values{"UserName": {"app"}, "UserAccessKeyId": {k.ID}, "Status": {"Inactive"}}
	for p, v := range want {
		if got := f.last("UpdateAccessKey").Get(p); got != v[0] {
			t.Errorf("%s = %q, want %q", p, got, v[0])
		}
	}

	f.on("UpdateAccessKey", seq(notFound("User.AccessKey")))
	before := f.count("UpdateAccessKey")
	if err := c.UpdateAccessKey(ctx, "app", "LTAI5tSomeOtherKey", AccessKeyActive); !IsNotFound(err) {
		t.Fatalf("another key's NotFound: got %v", err)
	}
	if n := f.count("UpdateAccessKey") - before; n != 1 {
		t.Fatalf("another key's NotFound was retried: %d calls", n)
	}
}
