package resources

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// Console login (the login profile) and programmatic access (the AccessKey) of aliram_delegated_user.

type consoleLoginModel struct {
	Password              types.String `tfsdk:"password"`
	PasswordWO            types.String `tfsdk:"password_wo"`
	PasswordWOVersion     types.Int64  `tfsdk:"password_wo_version"`
	PasswordResetRequired types.Bool   `tfsdk:"password_reset_required"`
	MFABindRequired       types.Bool   `tfsdk:"mfa_bind_required"`
}

var consoleLoginAttrTypes = attrTypesOf(consoleLoginAttribute())

type programmaticAccessModel struct {
	PGPKey                     types.String `tfsdk:"pgp_key"`
	Status                     types.String `tfsdk:"status"`
	Rotation                   types.Object `tfsdk:"rotation"` //< rotationModel (delegated_user_rotation.go)
	AccessKeyID                types.String `tfsdk:"access_key_id"`
	AccessKeySecret            types.String `tfsdk:"access_key_secret"`
	AccessKeySecretEncrypted   types.String `tfsdk:"access_key_secret_encrypted"`
	AccessKeyCreateDate        types.String `tfsdk:"access_key_create_date"`
	PreviousAccessKeyID        types.String `tfsdk:"previous_access_key_id"`
	PreviousAccessKeyExpiresAt types.String `tfsdk:"previous_access_key_expires_at"`
}

var programmaticAccessAttrTypes = attrTypesOf(programmaticAccessAttribute())

// managedAccessKeyIDs are the keys programmatic_access in st holds: the current and the previous one.
func managedAccessKeyIDs(ctx context.Context, st types.Object, diags *diag.Diagnostics) []string {
	pa := objectOrNil[programmaticAccessModel](ctx, st, diags)
	if pa == nil {
		return nil
	}
	var ids []string
	for _, v := range []types.String{pa.AccessKeyID, pa.PreviousAccessKeyID} {
		if v.ValueString() != "" {
			ids = append(ids, v.ValueString())
		}
	}
	return ids
}

// consoleLoginAttribute is the schema of console_login, the login profile.
func consoleLoginAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Console password logon (the login profile). Give exactly one of `password` and " +
			"`password_wo`. Removing this attribute deletes the login profile. A login profile deleted outside " +
			"Terraform is created again. The password cannot be read back, so it is not imported.",
		Attributes: map[string]schema.Attribute{
			"password": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Console password, 8 to 32 characters, also subject to the account's password " +
					"policy. Stored in state (sensitive); prefer `password_wo` on OpenTofu/Terraform 1.11+. " +
					"Changing it sends the new password. Not imported.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(8, 32),
					stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("password_wo")),
				},
			},
			"password_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "Write-only console password, 8 to 32 characters: sent to RAM but never stored in " +
					"plan or state. Requires `password_wo_version`; change that number to send a new password.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(8, 32),
					stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("password_wo_version")),
				},
			},
			"password_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Version of `password_wo`. Any change sends the current `password_wo` to RAM " +
					"(`UpdateLoginProfile`).",
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRelative().AtParent().AtName("password_wo")),
				},
			},
			"password_reset_required": schema.BoolAttribute{
				Optional: true, Computed: true,
				Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether the user must change the password at the next logon. Defaults to `true`. " +
					"An intent, sent when the login profile is created, when this value changes and with every new " +
					"password; it is not read back from RAM (except on import), so the user's own password change, " +
					"which clears the requirement in RAM, is not drift and no apply forces another reset.",
			},
			"mfa_bind_required": schema.BoolAttribute{
				Optional: true, Computed: true,
				Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the user must bind an MFA device at the next logon. Defaults to `false`. " +
					"An intent, sent when the login profile is created and when this value changes; it is not read " +
					"back from RAM (except on import), so what the user does afterwards (binding a device) is not drift.",
			},
		},
	}
}

// programmaticAccessAttribute is the schema of programmatic_access, the AccessKey.
func programmaticAccessAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "One AccessKey pair for an application: write `programmatic_access = {}`, or " +
			"`programmatic_access = { pgp_key = \"...\" }` to keep the secret out of state in plain text. " +
			"Removing this attribute deletes the AccessKey (and the previous one of a rotation). A key deleted " +
			"outside Terraform is created again (the plan shows it), beside the previous key of a rotation, which stays. With `rotation`, the key rotates without " +
			"downtime: the previous key stays active beside the new one. The secret cannot be read back, so it is " +
			"not imported; an imported user with two keys gets the newer as current and the older as previous.",
		Attributes: map[string]schema.Attribute{
			"pgp_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "An OpenPGP public key, ASCII-armored or base64-encoded (`gpg --export KEY | base64`). " +
					"When set, the secret is stored only encrypted, in `access_key_secret_encrypted`. " +
					"Changing it makes a new AccessKey (a secret cannot be re-encrypted): with `rotation`, a rotation " +
					"(the previous key stays); without, a replacement (the old key is deleted in the same apply).",
				Validators: []validator.String{pgpKeyValidator{}},
			},
			"status": schema.StringAttribute{
				Optional: true, Computed: true,
				Default: stringdefault.StaticString(ramclient.AccessKeyActive),
				MarkdownDescription: "`Active` (the default) or `Inactive`, the status of the current key: an inactive " +
					"key is refused by Alibaba Cloud but kept. Read back from RAM, so a key disabled outside Terraform " +
					"shows in the plan and apply enables it again.",
				Validators: []validator.String{stringvalidator.OneOf(ramclient.AccessKeyActive, ramclient.AccessKeyInactive)},
			},
			"rotation": rotationAttribute(),
			"access_key_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The AccessKey ID of the current key.",
			},
			"access_key_create_date": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When RAM created the current key (RFC 3339); `max_age` and `overlap` count from it.",
			},
			"previous_access_key_id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The key the last rotation replaced, still active, so the application can switch " +
					"to the new key before it goes (its secret is the one the state held before the rotation); null " +
					"when there is none. Deleted at the next rotation, when `overlap` has passed (at the next plan) or " +
					"when `rotation` is removed.",
			},
			"previous_access_key_expires_at": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the previous key's `overlap` ends (RFC 3339): the first plan after it " +
					"deletes the key. Null without a previous key or without `overlap`.",
			},
			"access_key_secret": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The AccessKey secret; null when `pgp_key` is set. RAM returns it only when the " +
					"key is created, so it is null after an import.",
			},
			"access_key_secret_encrypted": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Base64 of the secret encrypted with `pgp_key` (decrypt with " +
					"`base64 -d | gpg --decrypt`); null without `pgp_key`. Not imported.",
			},
		},
	}
}

// planAccessKey plans programmatic_access: the key in state is kept, or (when there is none, pgp_key
// changed or a rotation is due) a new one is created, with the secret in the attribute pgp_key asks for;
// the previous key of a rotation is kept or, once its overlap is over, deleted (delegated_user_rotation.go).
func planAccessKey(ctx context.Context, planned, prior types.Object, diags *diag.Diagnostics) types.Object {
	var pp programmaticAccessModel
	diags.Append(planned.As(ctx, &pp, basetypes.ObjectAsOptions{})...)
	sp := objectOrNil[programmaticAccessModel](ctx, prior, diags)
	if diags.HasError() {
		return planned
	}
	now := rotationNow()
	keep := sp != nil && !sp.AccessKeyID.IsNull() && !sp.AccessKeyID.IsUnknown() && (sp.PGPKey.Equal(pp.PGPKey) || importedKey(sp)) &&
		!rotationDue(ctx, &pp, sp, now, diags)
	if keep {
		pp.AccessKeyID, pp.AccessKeySecret, pp.AccessKeySecretEncrypted = sp.AccessKeyID, sp.AccessKeySecret, sp.AccessKeySecretEncrypted
		pp.AccessKeyCreateDate = sp.AccessKeyCreateDate
	} else {
		pp.AccessKeyID, pp.AccessKeyCreateDate = types.StringUnknown(), types.StringUnknown()
		switch {
		case pp.PGPKey.IsUnknown():
			pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringUnknown(), types.StringUnknown()
		case pp.PGPKey.IsNull():
			pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringUnknown(), types.StringNull()
		default:
			pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringNull(), types.StringUnknown()
		}
	}
	planPreviousKey(ctx, &pp, sp, !keep, now, diags)
	return objectFrom(ctx, programmaticAccessAttrTypes, pp, diags)
}

// readConsoleLogin refreshes console_login: only looked at when managed (or when importing). False when
// reading failed (the error is in diags).
func (r *delegatedUserResource) readConsoleLogin(ctx context.Context, reads *ramclient.UserReads, st *delegatedUserModel, importing bool, diags *diag.Diagnostics) bool {
	name := st.Name.ValueString()
	if !st.ConsoleLogin.IsNull() || importing {
		lp, err := reads.LoginProfile(ctx)
		switch {
		case ramclient.IsNotFound(err):
			if !st.ConsoleLogin.IsNull() {
				tflog.Warn(ctx, "login profile deleted outside Terraform; it will be created again")
			}
			st.ConsoleLogin = types.ObjectNull(consoleLoginAttrTypes)
		case err != nil:
			addAPIError(diags, fmt.Sprintf("Reading the login profile of RAM user %q", name), err, "")
			return false
		default:
			sc := objectOrNil[consoleLoginModel](ctx, st.ConsoleLogin, diags)
			if sc == nil {
				sc = &consoleLoginModel{Password: types.StringNull(), PasswordWOVersion: types.Int64Null()}
			}
			sc.PasswordWO = types.StringNull()
			// The flags are the configuration's intent at create or at its last change, not RAM's current
			// value: the user's own ChangePassword clears PasswordResetRequired, and that is not drift. RAM's
			// value is taken only when there is no intent yet (import).
			if importing || sc.PasswordResetRequired.IsNull() || sc.PasswordResetRequired.IsUnknown() {
				sc.PasswordResetRequired = types.BoolValue(lp.PasswordResetRequired)
			}
			if importing || sc.MFABindRequired.IsNull() || sc.MFABindRequired.IsUnknown() {
				sc.MFABindRequired = types.BoolValue(lp.MFABindRequired)
			}
			st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, *sc, diags)
		}
	}
	return true
}

// readAccessKey refreshes programmatic_access: only looked at when managed (or when importing). The
// current key's status and creation date are RAM's; a previous key deleted outside Terraform is forgotten.
// False when listing the keys failed (the error is in diags).
func (r *delegatedUserResource) readAccessKey(ctx context.Context, reads *ramclient.UserReads, st *delegatedUserModel, importing bool, diags *diag.Diagnostics) bool {
	name := st.Name.ValueString()
	if st.ProgrammaticAccess.IsNull() && !importing {
		return true
	}
	keys, err := reads.AccessKeys(ctx)
	if err != nil && !ramclient.IsNotFound(err) {
		addAPIError(diags, fmt.Sprintf("Listing the AccessKeys of RAM user %q", name), err, "")
		return false
	}
	find := func(id string) *ramclient.AccessKey {
		for i := range keys {
			if id != "" && strings.EqualFold(keys[i].ID, id) {
				return &keys[i]
			}
		}
		return nil
	}
	sp := objectOrNil[programmaticAccessModel](ctx, st.ProgrammaticAccess, diags)
	switch {
	case sp != nil:
		if prev := sp.PreviousAccessKeyID.ValueString(); prev != "" && find(prev) == nil {
			tflog.Warn(ctx, "the previous AccessKey was deleted outside Terraform", map[string]any{"access_key_id": prev})
			sp.PreviousAccessKeyID, sp.PreviousAccessKeyExpiresAt = types.StringNull(), types.StringNull()
		}
		k := find(sp.AccessKeyID.ValueString())
		switch {
		case k != nil:
			sp.Status = types.StringValue(k.Status)
			if k.CreateDate != "" {
				sp.AccessKeyCreateDate = types.StringValue(k.CreateDate)
			}
		case sp.PreviousAccessKeyID.IsNull():
			tflog.Warn(ctx, "AccessKey deleted outside Terraform; a new one will be created", map[string]any{"access_key_id": sp.AccessKeyID.ValueString()})
			st.ProgrammaticAccess = types.ObjectNull(programmaticAccessAttrTypes)
			return true
		default:
			// The current key is gone but the previous one, which applications may still use, is not: keep
			// it; the plan creates a new current key beside it.
			tflog.Warn(ctx, "AccessKey deleted outside Terraform; a new one will be created beside the previous key", map[string]any{"access_key_id": sp.AccessKeyID.ValueString()})
			sp.AccessKeyID, sp.AccessKeySecret, sp.AccessKeySecretEncrypted = types.StringNull(), types.StringNull(), types.StringNull()
			sp.AccessKeyCreateDate = types.StringNull()
		}
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, *sp, diags)
	case importing && len(keys) > 0:
		// The newer key is the current one, the older (if any) the previous key of a rotation.
		sort.Slice(keys, func(i, j int) bool { return keys[i].CreateDate < keys[j].CreateDate })
		cur := keys[len(keys)-1]
		prev := types.StringNull()
		if len(keys) > 1 {
			prev = types.StringValue(keys[len(keys)-2].ID)
		}
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, programmaticAccessModel{
			PGPKey:                     types.StringNull(),
			Status:                     types.StringValue(cur.Status),
			Rotation:                   types.ObjectNull(rotationAttrTypes),
			AccessKeyID:                types.StringValue(cur.ID),
			AccessKeySecret:            types.StringNull(),
			AccessKeySecretEncrypted:   types.StringNull(),
			AccessKeyCreateDate:        optionalString(cur.CreateDate),
			PreviousAccessKeyID:        prev,
			PreviousAccessKeyExpiresAt: types.StringNull(),
		}, diags)
	}
	return true
}

// updateConsoleLogin creates, updates or deletes the login profile as the plan says. False when that
// failed (the error is in resp.Diagnostics).
func (r *delegatedUserResource) updateConsoleLogin(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, plan delegatedUserModel, st *delegatedUserModel) bool {
	name := plan.Name.ValueString()
	pc := objectOrNil[consoleLoginModel](ctx, plan.ConsoleLogin, &resp.Diagnostics)
	sc := objectOrNil[consoleLoginModel](ctx, st.ConsoleLogin, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return false
	}
	switch {
	case pc == nil && sc != nil:
		if err := r.client.DeleteLoginProfile(ctx, name); err != nil && !ramclient.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the login profile of RAM user %q", name), err, "")
			return false
		}
		st.ConsoleLogin = types.ObjectNull(consoleLoginAttrTypes)
	case pc != nil && sc == nil:
		password := r.configPassword(ctx, req.Config, *pc, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return false
		}
		if err := r.createLoginProfile(ctx, name, password, *pc); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating the login profile of RAM user %q", name), err, passwordHint(err))
			return false
		}
		resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdConsoleLogin)...)
		pc.PasswordWO = types.StringNull()
		st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, *pc, &resp.Diagnostics)
	case pc != nil && sc != nil:
		// Each flag is sent only when its configuration changed, and password_reset_required also with a new
		// password (a password the administrator sets is one the user should replace): a flag the user's own
		// actions changed since stays as the user left it.
		sendPassword := !pc.Password.Equal(sc.Password) || !pc.PasswordWOVersion.Equal(sc.PasswordWOVersion)
		sendReset := sendPassword || !pc.PasswordResetRequired.Equal(sc.PasswordResetRequired)
		sendMFA := !pc.MFABindRequired.Equal(sc.MFABindRequired)
		if sendReset || sendMFA {
			in := ramclient.UpdateLoginProfileInput{UserName: name}
			if sendReset {
				reset := pc.PasswordResetRequired.ValueBool()
				in.PasswordResetRequired = &reset
			}
			if sendMFA {
				mfa := pc.MFABindRequired.ValueBool()
				in.MFABindRequired = &mfa
			}
			if sendPassword {
				in.Password = r.configPassword(ctx, req.Config, *pc, &resp.Diagnostics)
				if resp.Diagnostics.HasError() {
					return false
				}
			}
			err := r.client.UpdateLoginProfile(ctx, in)
			if ramclient.IsNotFound(err) && in.Password != "" {
				err = r.createLoginProfile(ctx, name, in.Password, *pc)
				if err == nil {
					resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdConsoleLogin)...)
				}
			}
			if err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating the login profile of RAM user %q", name), err, passwordHint(err))
				return false
			}
			tflog.Info(ctx, "updated login profile", map[string]any{"password_changed": sendPassword})
		}
		pc.PasswordWO = types.StringNull()
		st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, *pc, &resp.Diagnostics)
	}
	return true
}

// updateAccessKey creates, replaces, rotates or deletes the AccessKey as the plan says (a new key when the
// plan says its ID is unknown), deletes the previous key the plan drops and sets the status. False when
// that failed (the error is in resp.Diagnostics).
func (r *delegatedUserResource) updateAccessKey(ctx context.Context, resp *resource.UpdateResponse, plan delegatedUserModel, st *delegatedUserModel) bool {
	name := plan.Name.ValueString()
	pp := objectOrNil[programmaticAccessModel](ctx, plan.ProgrammaticAccess, &resp.Diagnostics)
	sp := objectOrNil[programmaticAccessModel](ctx, st.ProgrammaticAccess, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return false
	}
	switch {
	case pp == nil && sp != nil:
		for _, id := range managedAccessKeyIDs(ctx, st.ProgrammaticAccess, &resp.Diagnostics) {
			if err := r.deleteAccessKey(ctx, name, id); err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the AccessKey %s of RAM user %q", id, name), err, "")
				return false
			}
		}
		st.ProgrammaticAccess = types.ObjectNull(programmaticAccessAttrTypes)
	case pp != nil && pp.AccessKeyID.IsUnknown():
		return r.newAccessKey(ctx, resp, name, pp, sp, st)
	case pp != nil && sp != nil:
		// The same key: the previous one goes when the plan drops it (overlap over, rotation removed).
		if prev := sp.PreviousAccessKeyID.ValueString(); prev != "" && pp.PreviousAccessKeyID.IsNull() {
			if err := r.deleteAccessKey(ctx, name, prev); err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the previous AccessKey %s of RAM user %q", prev, name), err, "")
				return false
			}
			tflog.Info(ctx, "deleted the previous AccessKey", map[string]any{"access_key_id": prev})
		}
		if !pp.Status.Equal(sp.Status) {
			if err := r.client.UpdateAccessKey(ctx, name, pp.AccessKeyID.ValueString(), pp.Status.ValueString()); err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Setting the status of the AccessKey of RAM user %q", name), err, "")
				return false
			}
			tflog.Info(ctx, "set the AccessKey status", map[string]any{"access_key_id": pp.AccessKeyID.ValueString(), "status": pp.Status.ValueString()})
		}
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, *pp, &resp.Diagnostics)
	}
	return true
}

// newAccessKey makes the planned new key. A rotation (the plan keeps the current key as previous) first
// deletes the previous key of the rotation before, so the new key is never a third (RAM allows two), and
// keeps the current one; a replacement deletes the current key after the new one exists (or before, when
// the user already holds two).
func (r *delegatedUserResource) newAccessKey(ctx context.Context, resp *resource.UpdateResponse, name string, pp, sp *programmaticAccessModel, st *delegatedUserModel) bool {
	oldCur, oldPrev := "", ""
	if sp != nil {
		oldCur, oldPrev = sp.AccessKeyID.ValueString(), sp.PreviousAccessKeyID.ValueString()
	}
	rotating := pp.PreviousAccessKeyID.ValueString() != ""
	save := func(m programmaticAccessModel) {
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, m, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
	}
	if oldPrev != "" && !strings.EqualFold(oldPrev, pp.PreviousAccessKeyID.ValueString()) {
		if err := r.deleteAccessKey(ctx, name, oldPrev); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the previous AccessKey %s of RAM user %q", oldPrev, name), err, "")
			return false
		}
		tflog.Info(ctx, "deleted the previous AccessKey to make room for the new one", map[string]any{"access_key_id": oldPrev})
		sp.PreviousAccessKeyID, sp.PreviousAccessKeyExpiresAt = types.StringNull(), types.StringNull()
		save(*sp)
	}
	err := r.createAccessKey(ctx, name, pp)
	if ramclient.IsLimitExceeded(err) && oldCur != "" && !rotating {
		// Two keys already: make room by deleting the one being replaced first.
		if derr := r.deleteAccessKey(ctx, name, oldCur); derr != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the AccessKey of RAM user %q", name), derr, "")
			return false
		}
		oldCur = ""
		err = r.createAccessKey(ctx, name, pp)
	}
	var statusErr *accessKeyStatusError
	if err != nil && !errors.As(err, &statusErr) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating an AccessKey for RAM user %q", name), err, accessKeyHint(err))
		return false
	}
	resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdAccessKey)...)
	pp.PreviousAccessKeyExpiresAt = previousExpiry(ctx, pp, &resp.Diagnostics)
	save(*pp)
	if statusErr != nil {
		// The key exists and is recorded (Active, as RAM has it): the next plan sets the status again.
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Setting the status of the new AccessKey of RAM user %q", name), statusErr.err, "")
		return false
	}
	if oldCur != "" && !rotating {
		if err := r.deleteAccessKey(ctx, name, oldCur); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the replaced AccessKey of RAM user %q", name), err, "")
			return false
		}
	}
	return true
}

// deleteAllAccessKeys deletes every AccessKey of the user; a user already gone is fine. False when that
// failed (the error is in diags).
func (r *delegatedUserResource) deleteAllAccessKeys(ctx context.Context, name, summary string, diags *diag.Diagnostics) bool {
	keys, err := r.client.ListAccessKeys(ctx, name)
	if err != nil && !ramclient.IsNotFound(err) {
		addAPIError(diags, summary, err, "")
		return false
	}
	for _, k := range keys {
		if err := r.deleteAccessKey(ctx, name, k.ID); err != nil {
			addAPIError(diags, summary, err, "")
			return false
		}
	}
	return true
}

// configPassword returns the password to send: `password` from the plan, or the write-only `password_wo`
// which only the configuration holds.
func (r *delegatedUserResource) configPassword(ctx context.Context, cfg tfsdkConfig, pc consoleLoginModel, diags *diag.Diagnostics) string {
	if !pc.Password.IsNull() && !pc.Password.IsUnknown() {
		return pc.Password.ValueString()
	}
	var wo types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root("console_login").AtName("password_wo"), &wo)...)
	if diags.HasError() {
		return ""
	}
	if wo.IsNull() || wo.IsUnknown() || wo.ValueString() == "" {
		diags.AddAttributeError(path.Root("console_login"), "Missing console password",
			"console_login needs password or password_wo (with password_wo_version).")
		return ""
	}
	return wo.ValueString()
}

func (r *delegatedUserResource) createLoginProfile(ctx context.Context, user, password string, pc consoleLoginModel) error {
	in := ramclient.LoginProfileInput{
		UserName:              user,
		Password:              password,
		PasswordResetRequired: pc.PasswordResetRequired.ValueBool(),
		MFABindRequired:       pc.MFABindRequired.ValueBool(),
	}
	_, err := r.client.CreateLoginProfile(ctx, in)
	if ramclient.IsAlreadyExists(err) {
		// Left over from an interrupted apply: take it over with the configured password.
		err = r.client.UpdateLoginProfile(ctx, in.Update())
	}
	return err
}

func passwordHint(err error) string {
	if ramclient.IsWeakPassword(err) {
		return "The password does not satisfy the account's password policy (length and character classes). Choose a stronger password."
	}
	return ""
}

// createAccessKey creates the user's key and fills pp's computed fields (encrypting the secret if asked),
// then gives it the planned status. When only that last step failed, pp describes the key as RAM has it
// (Active) and the error is an *accessKeyStatusError.
func (r *delegatedUserResource) createAccessKey(ctx context.Context, user string, pp *programmaticAccessModel) error {
	k, err := r.client.CreateAccessKey(ctx, user)
	if err != nil {
		return err
	}
	tflog.Info(ctx, "created AccessKey", map[string]any{"access_key_id": k.ID})
	pp.AccessKeyID = types.StringValue(k.ID)
	pp.AccessKeyCreateDate = optionalString(k.CreateDate)
	if pp.PGPKey.IsNull() {
		pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringValue(k.Secret), types.StringNull()
	} else {
		enc, eerr := pgpEncryptBase64(pp.PGPKey.ValueString(), k.Secret)
		if eerr != nil {
			// Do not leave a key whose secret nobody will ever see.
			_ = r.deleteAccessKey(ctx, user, k.ID)
			return fmt.Errorf("encrypting the AccessKey secret with pgp_key: %w", eerr)
		}
		pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringNull(), types.StringValue(enc)
	}
	if want := pp.Status.ValueString(); want != "" && want != k.Status {
		if err := r.client.UpdateAccessKey(ctx, user, k.ID, want); err != nil {
			pp.Status = types.StringValue(k.Status)
			return &accessKeyStatusError{err: err}
		}
	}
	return nil
}

// accessKeyStatusError: the new key exists, but setting its planned status failed.
type accessKeyStatusError struct{ err error }

func (e *accessKeyStatusError) Error() string {
	return "setting the AccessKey status: " + e.err.Error()
}
func (e *accessKeyStatusError) Unwrap() error { return e.err }

func (r *delegatedUserResource) deleteAccessKey(ctx context.Context, user, id string) error {
	if id == "" {
		return nil
	}
	if err := r.client.DeleteAccessKey(ctx, user, id); err != nil && !ramclient.IsNotFound(err) {
		return err
	}
	return nil
}

func accessKeyHint(err error) string {
	if ramclient.IsLimitExceeded(err) {
		return "A RAM user can hold at most 2 AccessKeys. Delete an unused key of this user (created outside Terraform) and apply again."
	}
	return ""
}
