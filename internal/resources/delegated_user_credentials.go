package resources

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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

var consoleLoginAttrTypes = map[string]attr.Type{
	"password":                types.StringType,
	"password_wo":             types.StringType,
	"password_wo_version":     types.Int64Type,
	"password_reset_required": types.BoolType,
	"mfa_bind_required":       types.BoolType,
}

type programmaticAccessModel struct {
	PGPKey                   types.String `tfsdk:"pgp_key"`
	AccessKeyID              types.String `tfsdk:"access_key_id"`
	AccessKeySecret          types.String `tfsdk:"access_key_secret"`
	AccessKeySecretEncrypted types.String `tfsdk:"access_key_secret_encrypted"`
}

var programmaticAccessAttrTypes = map[string]attr.Type{
	"pgp_key":                     types.StringType,
	"access_key_id":               types.StringType,
	"access_key_secret":           types.StringType,
	"access_key_secret_encrypted": types.StringType,
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
			"Removing this attribute deletes the AccessKey. A key deleted outside Terraform is created again " +
			"(the plan shows it). The secret cannot be read back, so it is not imported.",
		Attributes: map[string]schema.Attribute{
			"pgp_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "An OpenPGP public key, ASCII-armored or base64-encoded (`gpg --export KEY | base64`). " +
					"When set, the secret is stored only encrypted, in `access_key_secret_encrypted`. " +
					"Changing it replaces the AccessKey (a secret cannot be re-encrypted).",
				Validators: []validator.String{pgpKeyValidator{}},
			},
			"access_key_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The AccessKey ID.",
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

// planAccessKey plans programmatic_access: the key in state is kept, or (when there is none or pgp_key
// changed) a new one is created, with the secret in the attribute pgp_key asks for.
func planAccessKey(ctx context.Context, planned, prior types.Object, diags *diag.Diagnostics) types.Object {
	var pp programmaticAccessModel
	diags.Append(planned.As(ctx, &pp, basetypes.ObjectAsOptions{})...)
	sp := objectOrNil[programmaticAccessModel](ctx, prior, diags)
	if diags.HasError() {
		return planned
	}
	if sp != nil && !sp.AccessKeyID.IsNull() && !sp.AccessKeyID.IsUnknown() && sp.PGPKey.Equal(pp.PGPKey) {
		pp.AccessKeyID, pp.AccessKeySecret, pp.AccessKeySecretEncrypted = sp.AccessKeyID, sp.AccessKeySecret, sp.AccessKeySecretEncrypted
	} else {
		pp.AccessKeyID = types.StringUnknown()
		switch {
		case pp.PGPKey.IsUnknown():
			pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringUnknown(), types.StringUnknown()
		case pp.PGPKey.IsNull():
			pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringUnknown(), types.StringNull()
		default:
			pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringNull(), types.StringUnknown()
		}
	}
	return objectFrom(ctx, programmaticAccessAttrTypes, pp, diags)
}

// readConsoleLogin refreshes console_login: only looked at when managed (or when importing). False when
// reading failed (the error is in diags).
func (r *delegatedUserResource) readConsoleLogin(ctx context.Context, st *delegatedUserModel, importing bool, diags *diag.Diagnostics) bool {
	name := st.Name.ValueString()
	if !st.ConsoleLogin.IsNull() || importing {
		lp, err := r.client.GetLoginProfile(ctx, name)
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

// readAccessKey refreshes programmatic_access: only looked at when managed (or when importing). False when
// listing the keys failed (the error is in diags).
func (r *delegatedUserResource) readAccessKey(ctx context.Context, st *delegatedUserModel, importing bool, diags *diag.Diagnostics) bool {
	name := st.Name.ValueString()
	if !st.ProgrammaticAccess.IsNull() || importing {
		keys, err := r.client.ListAccessKeys(ctx, name)
		if err != nil && !ramclient.IsNotFound(err) {
			addAPIError(diags, fmt.Sprintf("Listing the AccessKeys of RAM user %q", name), err, "")
			return false
		}
		sp := objectOrNil[programmaticAccessModel](ctx, st.ProgrammaticAccess, diags)
		switch {
		case sp != nil:
			found := false
			for _, k := range keys {
				if k.ID == sp.AccessKeyID.ValueString() {
					found = true
				}
			}
			if !found {
				tflog.Warn(ctx, "AccessKey deleted outside Terraform; a new one will be created", map[string]any{"access_key_id": sp.AccessKeyID.ValueString()})
				st.ProgrammaticAccess = types.ObjectNull(programmaticAccessAttrTypes)
			}
		case importing && len(keys) > 0:
			sort.Slice(keys, func(i, j int) bool { return keys[i].CreateDate < keys[j].CreateDate })
			st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, programmaticAccessModel{
				PGPKey:                   types.StringNull(),
				AccessKeyID:              types.StringValue(keys[0].ID),
				AccessKeySecret:          types.StringNull(),
				AccessKeySecretEncrypted: types.StringNull(),
			}, diags)
		}
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

// updateAccessKey creates, replaces or deletes the AccessKey as the plan says: a key is replaced when the
// plan says its ID is unknown. False when that failed (the error is in resp.Diagnostics).
func (r *delegatedUserResource) updateAccessKey(ctx context.Context, resp *resource.UpdateResponse, plan delegatedUserModel, st *delegatedUserModel) bool {
	name := plan.Name.ValueString()
	pp := objectOrNil[programmaticAccessModel](ctx, plan.ProgrammaticAccess, &resp.Diagnostics)
	sp := objectOrNil[programmaticAccessModel](ctx, st.ProgrammaticAccess, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return false
	}
	switch {
	case pp == nil && sp != nil:
		if err := r.deleteAccessKey(ctx, name, sp.AccessKeyID.ValueString()); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the AccessKey of RAM user %q", name), err, "")
			return false
		}
		st.ProgrammaticAccess = types.ObjectNull(programmaticAccessAttrTypes)
	case pp != nil && pp.AccessKeyID.IsUnknown():
		oldKey := ""
		if sp != nil {
			oldKey = sp.AccessKeyID.ValueString()
		}
		err := r.createAccessKey(ctx, name, pp)
		if ramclient.IsLimitExceeded(err) && oldKey != "" {
			// Two keys already: make room by deleting the one being replaced first.
			if derr := r.deleteAccessKey(ctx, name, oldKey); derr != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the AccessKey of RAM user %q", name), derr, "")
				return false
			}
			oldKey = ""
			err = r.createAccessKey(ctx, name, pp)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating an AccessKey for RAM user %q", name), err, accessKeyHint(err))
			return false
		}
		resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdAccessKey)...)
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, *pp, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
		if oldKey != "" {
			if err := r.deleteAccessKey(ctx, name, oldKey); err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the replaced AccessKey of RAM user %q", name), err, "")
				return false
			}
		}
	case pp != nil:
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, *pp, &resp.Diagnostics)
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

// createAccessKey creates the user's key and fills pp's computed fields (encrypting the secret if asked).
func (r *delegatedUserResource) createAccessKey(ctx context.Context, user string, pp *programmaticAccessModel) error {
	k, err := r.client.CreateAccessKey(ctx, user)
	if err != nil {
		return err
	}
	tflog.Info(ctx, "created AccessKey", map[string]any{"access_key_id": k.ID})
	pp.AccessKeyID = types.StringValue(k.ID)
	if pp.PGPKey.IsNull() {
		pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringValue(k.Secret), types.StringNull()
		return nil
	}
	enc, eerr := pgpEncryptBase64(pp.PGPKey.ValueString(), k.Secret)
	if eerr != nil {
		// Do not leave a key whose secret nobody will ever see.
		_ = r.deleteAccessKey(ctx, user, k.ID)
		return fmt.Errorf("encrypting the AccessKey secret with pgp_key: %w", eerr)
	}
	pp.AccessKeySecret, pp.AccessKeySecretEncrypted = types.StringNull(), types.StringValue(enc)
	return nil
}

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
