package resources

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// mapPrivate stands in for the framework's private state.
type mapPrivate map[string][]byte

func (m mapPrivate) GetKey(_ context.Context, k string) ([]byte, diag.Diagnostics) { return m[k], nil }
func (m mapPrivate) SetKey(_ context.Context, k string, v []byte) diag.Diagnostics {
	if len(v) == 0 {
		delete(m, k)
	} else {
		m[k] = v
	}
	return nil
}

func TestCreatedAtRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := mapPrivate{}
	if m, _ := getCreatedAt(ctx, p); m != nil {
		t.Fatalf("no record: got %v", m)
	}
	before := time.Now()
	markCreatedNow(ctx, p, createdUser)
	markCreatedNow(ctx, p, createdAccessKey)
	var raw map[string]string
	if err := json.Unmarshal(p[privateKeyCreatedAt], &raw); err != nil || len(raw) != 2 {
		t.Fatalf("private value %s is not a JSON object of two times: %v", p[privateKeyCreatedAt], err)
	}
	m, _ := getCreatedAt(ctx, p)
	for _, part := range []string{createdUser, createdAccessKey} {
		if at := m[part]; at.Before(before.Add(-time.Millisecond)) || at.After(time.Now()) {
			t.Errorf("%s recorded at %v", part, at)
		}
	}
	clearCreatedAt(ctx, p)
	if _, ok := p[privateKeyCreatedAt]; ok {
		t.Error("not cleared")
	}
	// An unreadable record still counts as present, so Read clears it.
	p[privateKeyCreatedAt] = []byte(`"garbage"`)
	if m, _ := getCreatedAt(ctx, p); m == nil || len(m) != 0 {
		t.Errorf("unreadable record: %v", m)
	}
}
