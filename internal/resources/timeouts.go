package resources

import (
	"context"
	"strings"
	"time"

	ephemeraltimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// The time budget of each operation: the client retries throttled and failing calls, and waits out RAM's
// replication lag, until the operation's deadline, so these bound how long an outage or a busy account can
// hold an apply, not how many calls it makes.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
	defaultOpenTimeout   = 5 * time.Minute
)

const timeoutsDescription = "How long each operation may take, as a duration like `30s` or `15m`, including " +
	"retries of throttled or failing calls (with backoff) and waits for RAM's replication lag; when it runs out " +
	"the last error is reported."

// timeoutsBlock is the `timeouts` block of a managed resource; update is false for a resource whose every
// argument forces replacement.
func timeoutsBlock(ctx context.Context, update bool) schema.Block {
	b := timeouts.Block(ctx, timeouts.Opts{
		Create: true, Read: true, Update: update, Delete: true,
		CreateDescription: defaultsTo(defaultCreateTimeout),
		ReadDescription:   defaultsTo(defaultReadTimeout),
		UpdateDescription: defaultsTo(defaultUpdateTimeout),
		DeleteDescription: defaultsTo(defaultDeleteTimeout),
	}).(schema.SingleNestedBlock)
	b.MarkdownDescription = timeoutsDescription
	return b
}

// ephemeralTimeoutsBlock is the `timeouts` block of an ephemeral resource (open).
func ephemeralTimeoutsBlock(ctx context.Context) ephemeralschema.Block {
	b := ephemeraltimeouts.BlockWithOpts(ctx, ephemeraltimeouts.Opts{
		OpenDescription: defaultsTo(defaultOpenTimeout),
	}).(ephemeralschema.SingleNestedBlock)
	b.MarkdownDescription = timeoutsDescription
	return b
}

func defaultsTo(d time.Duration) string {
	return "Defaults to `" + strings.TrimSuffix(d.String(), "0s") + "`."
}

// withTimeout bounds ctx by the operation's timeout: get is the model's Timeouts.Create (Read, Update,
// Delete, Open) and def its default. A timeout that cannot be parsed is reported and the default applies.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, dd := get(ctx, def)
	diags.Append(dd...)
	if d <= 0 {
		d = def
	}
	return context.WithTimeout(ctx, d)
}
