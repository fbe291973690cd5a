package ramclient

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestUserGroups: ListGroupsForUser returns the group names and is read once per refresh however often the
// resource asks; RemoveUserFromGroup sends both names and drops the cached list, so the next read is fresh.
func TestUserGroups(t *testing.T) {
	f := newFake(t)
	members := []string{"admins", "ops"}
	f.on("ListGroupsForUser", func(q url.Values) (int, any) {
		if q.Get("UserName") != "alice" {
			return 400, apiErr("InvalidParameter", "bad params "+q.Encode())
		}
		groups := []map[string]any{}
		for _, g := range members {
			groups = append(groups, map[string]any{"GroupName": g, "GroupId": "g-" + g})
		}
		return 200, map[string]any{"RequestId": "R", "Groups": map[string]any{"Group": groups}}
	})
	f.on("RemoveUserFromGroup", func(q url.Values) (int, any) {
		if q.Get("UserName") != "alice" || q.Get("GroupName") != "admins" {
			return 400, apiErr("InvalidParameter", "bad params "+q.Encode())
		}
		members = members[1:]
		return 200, map[string]any{"RequestId": "R"}
	})
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		got, err := c.ListGroupsForUser(ctx, "alice")
		if err != nil || strings.Join(got, ",") != "admins,ops" {
			t.Fatalf("read %d: %v %v", i, got, err)
		}
	}
	if n := f.count("ListGroupsForUser"); n != 1 {
		t.Errorf("ListGroupsForUser called %d times for two reads, want 1", n)
	}
	if err := c.RemoveUserFromGroup(ctx, "admins", "alice"); err != nil {
		t.Fatal(err)
	}
	got, err := c.ListGroupsForUser(ctx, "alice")
	if err != nil || strings.Join(got, ",") != "ops" {
		t.Fatalf("after the removal: %v %v", got, err)
	}
}
