package resources

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// AccessKey rotation without downtime (programmatic_access.rotation of aliram_delegated_user).
//
// A rotation creates the new key first and keeps the key it replaces as previous_access_key_id, still
// Active, so B's deployment can switch to the new secret while the old one works. RAM allows two keys per
// user, so a user holds at most the current and the previous key: a rotation deletes the previous key of
// the rotation before (which was kept "until the next rotation") before it creates the new one, and never
// needs a third. With `overlap`, the previous key goes earlier: its deadline is previous_access_key_expires_at
// (the new key's RAM creation date + overlap), and the first plan after that deadline deletes it. A plan is
// the only moment the provider looks at the time (nothing runs between applies), so the key stays valid until
// the apply after its deadline: run plan and apply on a schedule. `max_age` is observed the same way: the
// first plan after the current key's creation date + max_age rotates it.

type rotationModel struct {
	Keepers types.Map    `tfsdk:"keepers"`
	MaxAge  types.String `tfsdk:"max_age"`
	Overlap types.String `tfsdk:"overlap"`
}

var rotationAttrTypes = attrTypesOf(rotationAttribute())

// rotationClockOffset shifts the clock rotation decisions read (tests only: a plan "a day later" without
// waiting a day). It is only ever zero outside tests.
var rotationClockOffset atomic.Int64

// rotationNow is the time at which a plan decides whether an overlap has ended or a key is too old.
func rotationNow() time.Time { return time.Now().Add(time.Duration(rotationClockOffset.Load())) }

func rotationAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Rotation without downtime. When `keepers` change or the key is older than `max_age`, " +
			"apply creates a new key first and keeps the current one, still active, as `previous_access_key_id` " +
			"until the next rotation, or until `overlap` has passed. A user never holds more than RAM's two keys: " +
			"a rotation deletes the previous key of the rotation before, then creates the new key. Time is only " +
			"looked at when planning: the first plan after `max_age` or `overlap` has run out shows the rotation " +
			"or the previous key's deletion, and apply carries it out. Without `rotation`, a new key (a changed " +
			"`pgp_key`) replaces the old one in the same apply, and the old key is deleted.",
		Attributes: map[string]schema.Attribute{
			"keepers": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Arbitrary values; any change rotates the key, for example " +
					"`{ rotation = time_rotating.app_key.id }` with the `time_rotating` resource of hashicorp/time, " +
					"or a version number you raise. Adding or removing `rotation` itself does not rotate.",
			},
			"max_age": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Rotate the key once it is older than this (a Go duration: `720h` is 30 days), " +
					"counted from RAM's creation date of the key; observed by the next plan after that time.",
				Validators: []validator.String{durationValidator{positive: true}},
			},
			"overlap": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long the previous key stays active after a rotation (a Go duration such as " +
					"`168h`), counted from the new key's creation: the first plan after that deletes it. Unset: until the " +
					"next rotation. Must be " +
					"shorter than `max_age` when both are set. Changing it moves `previous_access_key_expires_at`.",
				Validators: []validator.String{durationValidator{}},
			},
		},
		Validators: []validator.Object{rotationValidator{}},
	}
}

// durationValidator: a Go duration (time.ParseDuration), not negative (positive: greater than zero).
type durationValidator struct{ positive bool }

func (v durationValidator) Description(context.Context) string {
	if v.positive {
		return "must be a duration greater than zero, such as 720h"
	}
	return "must be a duration that is not negative, such as 168h"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err == nil && (d < 0 || (v.positive && d == 0)) {
		err = fmt.Errorf("%s", v.Description(ctx))
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s %s (units h, m, s): %v.", req.Path, v.Description(ctx), err))
	}
}

// rotationValidator: something must trigger a rotation, and the previous key must be gone before the next
// rotation by age, which would otherwise delete it early (overlap < max_age).
type rotationValidator struct{}

func (rotationValidator) Description(context.Context) string {
	return "needs keepers or max_age; overlap must be shorter than max_age"
}

func (v rotationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (rotationValidator) ValidateObject(ctx context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	rot := objectOrNil[rotationModel](ctx, req.ConfigValue, &resp.Diagnostics)
	if rot == nil {
		return
	}
	if rot.Keepers.IsNull() && rot.MaxAge.IsNull() {
		resp.Diagnostics.AddAttributeError(req.Path, "Rotation without a trigger",
			fmt.Sprintf("Attribute %s needs keepers (rotate when they change) or max_age (rotate by age), or both.", req.Path))
	}
	maxAge, okMax := knownDuration(rot.MaxAge)
	overlap, okOverlap := knownDuration(rot.Overlap)
	if okMax && okOverlap && overlap >= maxAge {
		resp.Diagnostics.AddAttributeError(req.Path.AtName("overlap"), "Overlap longer than the rotation allows",
			fmt.Sprintf("Attribute %s (%s) must be shorter than %s (%s): the previous key must be gone before the "+
				"next rotation needs its place (RAM allows two AccessKeys per user).",
				req.Path.AtName("overlap"), overlap, req.Path.AtName("max_age"), maxAge))
	}
}

// knownDuration parses a known, valid duration attribute.
func knownDuration(v types.String) (time.Duration, bool) {
	if v.IsNull() || v.IsUnknown() {
		return 0, false
	}
	d, err := time.ParseDuration(v.ValueString())
	return d, err == nil
}

// parseKeyDate parses RAM's CreateDate of a key (RFC 3339, UTC).
func parseKeyDate(v types.String) (time.Time, bool) {
	if v.IsNull() || v.IsUnknown() {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	return t, err == nil
}

// rotationDue reports whether the plan rotates the key in state sp: the keepers changed (or are not known
// yet), or the key is older than max_age at now.
func rotationDue(ctx context.Context, pp, sp *programmaticAccessModel, now time.Time, diags *diag.Diagnostics) bool {
	pr := objectOrNil[rotationModel](ctx, pp.Rotation, diags)
	if pp.Rotation.IsUnknown() {
		return true
	}
	if pr == nil {
		return false
	}
	if sr := objectOrNil[rotationModel](ctx, sp.Rotation, diags); sr != nil && (pr.Keepers.IsUnknown() || !pr.Keepers.Equal(sr.Keepers)) {
		return true
	}
	if maxAge, ok := knownDuration(pr.MaxAge); ok {
		if created, ok := parseKeyDate(sp.AccessKeyCreateDate); ok && !now.Before(created.Add(maxAge)) {
			return true
		}
	}
	return false
}

// previousExpiry is when the previous key's overlap ends: the current key's creation + overlap; null
// without a previous key or an overlap, unknown while either is not known.
func previousExpiry(ctx context.Context, pp *programmaticAccessModel, diags *diag.Diagnostics) types.String {
	if pp.PreviousAccessKeyID.IsNull() {
		return types.StringNull()
	}
	if pp.Rotation.IsUnknown() {
		return types.StringUnknown()
	}
	pr := objectOrNil[rotationModel](ctx, pp.Rotation, diags)
	if pr == nil || pr.Overlap.IsNull() {
		return types.StringNull()
	}
	overlap, ok := knownDuration(pr.Overlap)
	created, okDate := parseKeyDate(pp.AccessKeyCreateDate)
	if !ok || !okDate {
		return types.StringUnknown()
	}
	return types.StringValue(created.Add(overlap).UTC().Format(time.RFC3339))
}

// overlapOver reports whether the previous key's deadline (previous_access_key_expires_at) has passed at now.
func overlapOver(expires types.String, now time.Time) bool {
	t, ok := parseKeyDate(expires)
	return ok && !now.Before(t)
}

// planPreviousKey plans previous_access_key_id and its deadline for a key that is kept (newKey false) or
// replaced by a new one: a rotation keeps the key in state as previous (or, when that key was deleted
// outside Terraform, the previous key it had), a replacement without rotation does not; a kept key's
// previous goes when rotation is removed or its overlap is over.
func planPreviousKey(ctx context.Context, pp, sp *programmaticAccessModel, newKey bool, now time.Time, diags *diag.Diagnostics) {
	switch {
	case newKey && sp != nil && !sp.AccessKeyID.IsNull() && !pp.Rotation.IsNull():
		pp.PreviousAccessKeyID = sp.AccessKeyID
	case newKey && sp != nil && sp.AccessKeyID.IsNull() && !pp.Rotation.IsNull():
		// The current key was deleted outside Terraform: the previous one stays beside the new key.
		pp.PreviousAccessKeyID = sp.PreviousAccessKeyID
	case newKey || sp == nil || pp.Rotation.IsNull():
		pp.PreviousAccessKeyID = types.StringNull()
	default:
		pp.PreviousAccessKeyID = sp.PreviousAccessKeyID
	}
	pp.PreviousAccessKeyExpiresAt = previousExpiry(ctx, pp, diags)
	if !newKey && overlapOver(pp.PreviousAccessKeyExpiresAt, now) {
		pp.PreviousAccessKeyID, pp.PreviousAccessKeyExpiresAt = types.StringNull(), types.StringNull()
	}
}
