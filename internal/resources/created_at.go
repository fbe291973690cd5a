package resources

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// privateKeyCreatedAt holds, in private state, when each part of a resource was created:
// {"role":"2026-01-02T03:04:05.123Z"}. Terraform runs every command in a new provider process, so the
// client of the plan after an apply has not seen the creates; Read hands these times to the client
// (RecentlyCreated), which then tells RAM's replication lag from a deletion for a bounded window.
const privateKeyCreatedAt = "created_at"

// getCreatedAt returns the recorded creation times (nil: no record; unreadable times are left out).
func getCreatedAt(ctx context.Context, p privateGetter) (map[string]time.Time, diag.Diagnostics) {
	if p == nil {
		return nil, nil
	}
	raw, diags := p.GetKey(ctx, privateKeyCreatedAt)
	if len(raw) == 0 {
		return nil, diags
	}
	out := map[string]time.Time{} // present, even if unreadable: Read still clears it
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return out, diags
	}
	for part, s := range m {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			out[part] = t
		}
	}
	return out, diags
}

// markCreatedNow records that parts of the resource were created just now, keeping the other parts' times.
func markCreatedNow(ctx context.Context, p privateStore, parts ...string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	m, diags := getCreatedAt(ctx, p)
	if m == nil {
		m = map[string]time.Time{}
	}
	now := time.Now()
	for _, part := range parts {
		m[part] = now
	}
	enc := make(map[string]string, len(m))
	for part, t := range m {
		enc[part] = t.UTC().Format(time.RFC3339Nano)
	}
	raw, _ := json.Marshal(enc)
	diags.Append(p.SetKey(ctx, privateKeyCreatedAt, raw)...)
	return diags
}

// clearCreatedAt drops the record once Read has looked: what it saw is in the state now, and anything it
// did not see had the rest of the window to appear.
func clearCreatedAt(ctx context.Context, p privateSetter) diag.Diagnostics {
	if p == nil {
		return nil
	}
	return p.SetKey(ctx, privateKeyCreatedAt, nil)
}

// announceRecentCreates hands the recorded creation times to the client before Read's API calls.
// entities maps a recorded part to what was created; a part it returns nothing for is skipped. It reports
// whether a record was present (so Read clears it afterwards).
func announceRecentCreates(ctx context.Context, c *ramclient.Client, p privateGetter, entities func(part string) []ramclient.Entity) (bool, diag.Diagnostics) {
	m, diags := getCreatedAt(ctx, p)
	if m == nil {
		return false, diags
	}
	for part, at := range m {
		if es := entities(part); len(es) > 0 && c.RecentlyCreated(at, es...) {
			tflog.Debug(ctx, "created by an earlier command: RAM may not show it yet, an absence is retried until the consistency window ends",
				map[string]any{"part": part, "created_at": at.UTC().Format(time.RFC3339Nano)})
		}
	}
	return true, diags
}
