package resources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

const (
	// stsAssumeRoleSystemPolicy is what Alibaba Cloud's cross-account tutorials attach to B's users; used when assumable_role_arns is empty.
	stsAssumeRoleSystemPolicy = "AliyunSTSAssumeRoleAccess"
	policyTypeSystem          = "System"
	policyTypeCustom          = "Custom"
	// privateKeyPolicyVersion remembers the managed policy's default version this resource wrote, so a refresh
	// only reads the document (GetPolicy) when someone else created a newer version.
	privateKeyPolicyVersion = "assume_role_policy_version"
	maxAssumableRoles       = 50 // keeps the managed policy well under RAM's 6144-character document limit
)

// Parts of a delegated user whose creation time the private state records (see privateKeyCreatedAt).
const (
	createdUser         = "user"
	createdAssumePolicy = "assume_role_policy"
	createdConsoleLogin = "console_login"
	createdAccessKey    = "programmatic_access"
)

var (
	emailPattern       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	mobilePhonePattern = regexp.MustCompile(`^[0-9]{1,4}-[0-9]{4,20}$`)
	policyNameUnsafe   = regexp.MustCompile(`[^A-Za-z0-9-]`)
)

var (
	_ resource.ResourceWithConfigure      = (*delegatedUserResource)(nil)
	_ resource.ResourceWithImportState    = (*delegatedUserResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*delegatedUserResource)(nil)
	_ resource.ResourceWithValidateConfig = (*delegatedUserResource)(nil)
	_ resource.ResourceWithIdentity       = (*delegatedUserResource)(nil)
)

// NewDelegatedUserResource is account B's side of a delegation: a RAM user allowed to assume roles of
// account A, with its console login and/or AccessKey.
func NewDelegatedUserResource() resource.Resource { return &delegatedUserResource{} }

type delegatedUserResource struct {
	resourceWithClient
}

type delegatedUserModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	DisplayName          types.String `tfsdk:"display_name"`
	Email                types.String `tfsdk:"email"`
	MobilePhone          types.String `tfsdk:"mobile_phone"`
	Comments             types.String `tfsdk:"comments"`
	AssumableRoleARNs    types.Set    `tfsdk:"assumable_role_arns"`
	AssumeRolePolicyName types.String `tfsdk:"assume_role_policy_name"`
	AssumeRolePolicyType types.String `tfsdk:"assume_role_policy_type"`
	ConsoleLogin         types.Object `tfsdk:"console_login"`       //< consoleLoginModel
	ProgrammaticAccess   types.Object `tfsdk:"programmatic_access"` //< programmaticAccessModel
	UserID               types.String `tfsdk:"user_id"`
	ARN                  types.String `tfsdk:"arn"`
	LogonName            types.String `tfsdk:"logon_name"`
	CreateDate           types.String `tfsdk:"create_date"`
}

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

func (r *delegatedUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_delegated_user"
	// The identity is the user name, which RAM looks users up by and which an import block names; a rename
	// is an in-place update, so the identity changes with it. (The stable user ID would need a ListUsers scan
	// to import.)
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *delegatedUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"name": identityschema.StringAttribute{RequiredForImport: true, Description: "Name of the RAM user."},
		},
	}
}

func (r *delegatedUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	optionalText := func(desc string, validators ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: desc + " RAM cannot clear this field: removing it from the configuration keeps the current value.",
			Validators:          validators,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A RAM user in the **operator's account (B)** that may assume roles of the owner's account (A): " +
			"steps 3 and 4 of the cross-account delegation. The user gets either a least-privilege custom policy " +
			"allowing `sts:AssumeRole` on exactly `assumable_role_arns`, managed by this resource, or (when that set is " +
			"empty) the system policy `AliyunSTSAssumeRoleAccess`. Give it console access (`console_login`) for an " +
			"employee or an AccessKey (`programmatic_access`) for an application; Alibaba Cloud recommends one of the two per user.\n\n" +
			"Destroying it revokes the user completely: every AccessKey (also ones created outside Terraform), the " +
			"login profile, every attached policy, the managed policy with all its versions, then the user.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user ID (same as `user_id`); it does not change when the user is renamed.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The user name (`UserName`): 1 to 64 characters, letters, digits, `.`, `-` and `_`. " +
					"Changing it renames the user in place (`UpdateUser`); the user ID stays the same.",
				Validators: []validator.String{policy.UserNameValidator()},
			},
			"display_name": optionalText("Display name, 1 to 128 characters.",
				stringvalidator.LengthBetween(1, 128)),
			"email": optionalText("Email address of the user.",
				stringvalidator.LengthBetween(3, 128),
				stringvalidator.RegexMatches(emailPattern, "must be an email address such as ops@example.com")),
			"mobile_phone": optionalText("Mobile phone as `<country code>-<number>`, for example `86-18600000000`.",
				stringvalidator.RegexMatches(mobilePhonePattern, "must be <country code>-<number>, for example 86-18600000000")),
			"comments": optionalText("Free-form comments, 1 to 128 characters.",
				stringvalidator.LengthBetween(1, 128)),
			"assumable_role_arns": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "ARNs (`acs:ram::<account id>:role/<role name>`) of the roles this user may assume, " +
					"usually roles of the owner's account created with `aliram_cross_account_role`. When set, the user " +
					"gets a custom policy in this account, managed by this resource, that allows `sts:AssumeRole` on " +
					"exactly these roles; changing the set writes a new default version of that policy in place. " +
					"When empty or unset, the system policy `AliyunSTSAssumeRoleAccess` (any role) is attached instead, " +
					"as Alibaba Cloud's cross-account tutorials do. At most 50 roles.",
				Validators: []validator.Set{
					setvalidator.SizeAtMost(maxAssumableRoles),
					setvalidator.ValueStringsAre(policy.RoleARNValidator()),
				},
			},
			"assume_role_policy_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The policy that lets this user call `sts:AssumeRole`: `AssumeRole-<name>` (the managed " +
					"custom policy; `.` and `_` in the name become `-` and a short hash of the name is appended) when " +
					"`assumable_role_arns` is set, else `AliyunSTSAssumeRoleAccess`. Null when that policy was detached " +
					"or changed outside Terraform (the next apply attaches or rewrites it).",
			},
			"assume_role_policy_type": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`Custom` for the managed policy, `System` for `AliyunSTSAssumeRoleAccess`.",
			},
			"console_login": schema.SingleNestedAttribute{
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
						Default:             booldefault.StaticBool(true),
						MarkdownDescription: "Whether the user must change the password at the next logon. Defaults to `true`.",
					},
					"mfa_bind_required": schema.BoolAttribute{
						Optional: true, Computed: true,
						Default:             booldefault.StaticBool(false),
						MarkdownDescription: "Whether the user must bind an MFA device at the next logon. Defaults to `false`.",
					},
				},
			},
			"programmatic_access": schema.SingleNestedAttribute{
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
			},
			"user_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user ID assigned by RAM.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user ARN, `acs:ram::<account id>:user/<name>`: the principal to put in a trust policy.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"logon_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The console sign-in name, `<name>@<account alias>.onaliyun.com` (the account ID " +
					"replaces the alias when none is set).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"create_date": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the user was created (RAM's timestamp).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ValidateConfig warns when both access modes are set: Alibaba Cloud recommends one per user.
func (r *delegatedUserResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var console, prog types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("console_login"), &console)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("programmatic_access"), &prog)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !console.IsNull() && !prog.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("programmatic_access"), "Both access modes are set",
			"This user gets both a console password and an AccessKey. For security, Alibaba Cloud recommends one access "+
				"mode per user: console_login for a person, programmatic_access for an application.")
	}
}

// ModifyPlan makes the plan say which policy grants sts:AssumeRole, what a rename does to the ARN and logon
// name, and whether the AccessKey is replaced.
func (r *delegatedUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		return
	}
	var plan, state delegatedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	hasState := !req.State.Raw.IsNull()
	if hasState {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Which policy grants sts:AssumeRole.
	switch {
	case !setFullyKnown(plan.AssumableRoleARNs) || (plan.Name.IsUnknown() && len(plan.AssumableRoleARNs.Elements()) > 0):
		plan.AssumeRolePolicyName = types.StringUnknown()
		plan.AssumeRolePolicyType = types.StringUnknown()
	case len(plan.AssumableRoleARNs.Elements()) > 0:
		plan.AssumeRolePolicyName = types.StringValue(managedPolicyName(plan.Name.ValueString()))
		plan.AssumeRolePolicyType = types.StringValue(policyTypeCustom)
	default:
		plan.AssumeRolePolicyName = types.StringValue(stsAssumeRoleSystemPolicy)
		plan.AssumeRolePolicyType = types.StringValue(policyTypeSystem)
	}

	// A rename changes the ARN and logon name predictably.
	if hasState && !plan.Name.Equal(state.Name) {
		if plan.Name.IsUnknown() {
			plan.ARN, plan.LogonName = types.StringUnknown(), types.StringUnknown()
		} else {
			newName := plan.Name.ValueString()
			plan.ARN = renameInSuffix(state.ARN, ":user/", newName)
			plan.LogonName = renameLogon(state.LogonName, newName)
		}
	}

	// The AccessKey: kept, or (re)created.
	if !plan.ProgrammaticAccess.IsNull() && !plan.ProgrammaticAccess.IsUnknown() {
		var pp programmaticAccessModel
		resp.Diagnostics.Append(plan.ProgrammaticAccess.As(ctx, &pp, basetypes.ObjectAsOptions{})...)
		sp := objectOrNil[programmaticAccessModel](ctx, state.ProgrammaticAccess, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
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
		plan.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, pp, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *delegatedUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan delegatedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "user_name", name)

	// Account facts first: if they fail, nothing has been created yet.
	arn, logon, err := r.userARNAndLogon(ctx, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating RAM user %q", name), err, "")
		return
	}
	u, err := r.client.CreateUser(ctx, ramclient.CreateUserInput{
		Name:        name,
		DisplayName: plan.DisplayName.ValueString(),
		MobilePhone: plan.MobilePhone.ValueString(),
		Email:       plan.Email.ValueString(),
		Comments:    plan.Comments.ValueString(),
	})
	if err != nil {
		hint := ""
		if ramclient.IsAlreadyExists(err) {
			hint = fmt.Sprintf("A RAM user named %q already exists in this account. Import it (`tofu import <address> %s`) or choose another name.", name, name)
		}
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating RAM user %q", name), err, hint)
		return
	}
	tflog.Info(ctx, "created RAM user", map[string]any{"user_id": u.ID})
	resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdUser)...)

	// Save the user at once: if a later step fails, Terraform keeps it (tainted) and the next apply
	// destroys it completely and starts over, instead of failing on "user already exists".
	st := plan
	st.applyUser(u)
	st.keepPlanned(plan)
	st.ARN, st.LogonName = types.StringValue(arn), types.StringValue(logon)
	st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
	st.ConsoleLogin = types.ObjectNull(consoleLoginAttrTypes)
	st.ProgrammaticAccess = types.ObjectNull(programmaticAccessAttrTypes)
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	setNameIdentity(ctx, resp.Identity, name, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	arns, d := stringSet(ctx, plan.AssumableRoleARNs)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.grantAssumeRole(ctx, name, arns, nil, plan.AssumableRoleARNs, &st, resp.Private, &resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	if !plan.ConsoleLogin.IsNull() {
		var pc consoleLoginModel
		resp.Diagnostics.Append(plan.ConsoleLogin.As(ctx, &pc, basetypes.ObjectAsOptions{})...)
		password := r.configPassword(ctx, req.Config, pc, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		if err := r.createLoginProfile(ctx, name, password, pc); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating the login profile of RAM user %q", name), err, passwordHint(err))
			return
		}
		resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdConsoleLogin)...)
		pc.PasswordWO = types.StringNull()
		st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, pc, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	if !plan.ProgrammaticAccess.IsNull() {
		var pp programmaticAccessModel
		resp.Diagnostics.Append(plan.ProgrammaticAccess.As(ctx, &pp, basetypes.ObjectAsOptions{})...)
		if resp.Diagnostics.HasError() {
			return
		}
		if err := r.createAccessKey(ctx, name, &pp); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating an AccessKey for RAM user %q", name), err, accessKeyHint(err))
			return
		}
		resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdAccessKey)...)
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, pp, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

func (r *delegatedUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st delegatedUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := st.Name.ValueString()
	ctx = tflog.SetField(ctx, "user_name", name)
	importing := st.UserID.IsNull() // ImportState sets only the name

	// Created by the previous command (e.g. the apply before this plan): RAM may not show it all yet.
	recent, diags := announceRecentCreates(ctx, r.client, req.Private, func(part string) []ramclient.Entity {
		return st.createdEntities(ctx, part)
	})
	resp.Diagnostics.Append(diags...)
	u, err := r.client.GetUser(ctx, name)
	if ramclient.IsNotFound(err) && !importing {
		// Renamed outside Terraform? The ID stays; only this path pays for the ListUsers scan. Dropping the
		// resource instead would orphan the user, its AccessKeys and policies, and plan a second user.
		renamed, lerr := r.findUserByID(ctx, st.UserID.ValueString())
		if lerr != nil {
			hint := ""
			if ramclient.IsPermission(lerr) {
				hint = "The user was not found by name; to tell a rename outside Terraform from a deletion, the provider needs ram:ListUsers."
			}
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Looking for RAM user %q by its ID %s", name, st.UserID.ValueString()), lerr, hint)
			return
		}
		if renamed != nil {
			tflog.Warn(ctx, "RAM user renamed outside Terraform; the plan renames it back", map[string]any{"remote_name": renamed.Name})
			u, err, name = renamed, nil, renamed.Name
			ctx = tflog.SetField(ctx, "user_name", name)
			st.Name = types.StringValue(name)
			st.ARN, st.LogonName = types.StringNull(), types.StringNull() // rebuilt below for the remote name
			// Parts created by the previous command now live under the remote name.
			_, d := announceRecentCreates(ctx, r.client, req.Private, func(part string) []ramclient.Entity {
				return st.createdEntities(ctx, part)
			})
			resp.Diagnostics.Append(d...)
		}
	}
	if ramclient.IsNotFound(err) {
		notFoundWarning(&resp.Diagnostics, fmt.Sprintf("RAM user %q", name))
		setNameIdentity(ctx, resp.Identity, name, &resp.Diagnostics) // see crossAccountRoleResource.Read
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Reading RAM user %q", name), err, "")
		return
	}
	st.applyUser(u)
	if st.ARN.IsNull() || st.LogonName.IsNull() {
		arn, logon, err := r.userARNAndLogon(ctx, u.Name)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Reading RAM user %q", name), err, "")
			return
		}
		st.ARN, st.LogonName = types.StringValue(arn), types.StringValue(logon)
	}

	resp.Diagnostics.Append(r.readAssumePolicy(ctx, &st, importing, req.Private, resp.Private)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Login profile: only looked at when managed (or when importing).
	if !st.ConsoleLogin.IsNull() || importing {
		lp, err := r.client.GetLoginProfile(ctx, name)
		switch {
		case ramclient.IsNotFound(err):
			if !st.ConsoleLogin.IsNull() {
				tflog.Warn(ctx, "login profile deleted outside Terraform; it will be created again")
			}
			st.ConsoleLogin = types.ObjectNull(consoleLoginAttrTypes)
		case err != nil:
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Reading the login profile of RAM user %q", name), err, "")
			return
		default:
			sc := objectOrNil[consoleLoginModel](ctx, st.ConsoleLogin, &resp.Diagnostics)
			if sc == nil {
				sc = &consoleLoginModel{Password: types.StringNull(), PasswordWOVersion: types.Int64Null()}
			}
			sc.PasswordWO = types.StringNull()
			sc.PasswordResetRequired = types.BoolValue(lp.PasswordResetRequired)
			sc.MFABindRequired = types.BoolValue(lp.MFABindRequired)
			st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, *sc, &resp.Diagnostics)
		}
	}

	// AccessKey: only looked at when managed (or when importing).
	if !st.ProgrammaticAccess.IsNull() || importing {
		keys, err := r.client.ListAccessKeys(ctx, name)
		if err != nil && !ramclient.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Listing the AccessKeys of RAM user %q", name), err, "")
			return
		}
		sp := objectOrNil[programmaticAccessModel](ctx, st.ProgrammaticAccess, &resp.Diagnostics)
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
			}, &resp.Diagnostics)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if recent {
		resp.Diagnostics.Append(clearCreatedAt(ctx, resp.Private)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	setNameIdentity(ctx, resp.Identity, st.Name.ValueString(), &resp.Diagnostics)
}

// findUserByID scans every user for the ID (RAM has no GetUser by ID); nil when no user has it.
func (r *delegatedUserResource) findUserByID(ctx context.Context, id string) (*ramclient.User, error) {
	if id == "" {
		return nil, nil
	}
	users, err := r.client.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range users {
		if users[i].ID == id {
			return &users[i], nil
		}
	}
	return nil, nil
}

// createdEntities names what a recorded part of the user is in RAM, from the state before the refresh.
func (m *delegatedUserModel) createdEntities(ctx context.Context, part string) []ramclient.Entity {
	name := m.Name.ValueString()
	switch part {
	case createdUser:
		return []ramclient.Entity{ramclient.UserEntity(name)}
	case createdAssumePolicy:
		if m.AssumeRolePolicyName.IsNull() || m.AssumeRolePolicyType.IsNull() {
			return nil
		}
		pName, pType := m.AssumeRolePolicyName.ValueString(), m.AssumeRolePolicyType.ValueString()
		es := []ramclient.Entity{ramclient.UserAttachmentEntity(name, pType, pName)}
		if pType == policyTypeCustom {
			es = append(es, ramclient.PolicyEntity(pName))
		}
		return es
	case createdConsoleLogin:
		if !m.ConsoleLogin.IsNull() {
			return []ramclient.Entity{ramclient.LoginProfileEntity(name)}
		}
	case createdAccessKey:
		var d diag.Diagnostics
		if pa := objectOrNil[programmaticAccessModel](ctx, m.ProgrammaticAccess, &d); pa != nil && pa.AccessKeyID.ValueString() != "" {
			return []ramclient.Entity{ramclient.AccessKeyEntity(name, pa.AccessKeyID.ValueString())}
		}
	}
	return nil
}

// readAssumePolicy finds out whether the policy granting sts:AssumeRole is still attached and, for the
// managed policy, whether someone wrote a new version of it.
func (r *delegatedUserResource) readAssumePolicy(ctx context.Context, st *delegatedUserModel, importing bool, priv privateGetter, privOut privateSetter) diag.Diagnostics {
	var diags diag.Diagnostics
	name := st.Name.ValueString()
	attached, err := r.client.ListPoliciesForUser(ctx, name)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Listing the policies of RAM user %q", name), err, "")
		return diags
	}
	find := func(pType, pName string) *ramclient.AttachedPolicy {
		for i := range attached {
			if strings.EqualFold(attached[i].Type, pType) && strings.EqualFold(attached[i].Name, pName) {
				return &attached[i]
			}
		}
		return nil
	}
	managed := managedPolicyName(name)
	if st.AssumeRolePolicyType.ValueString() == policyTypeCustom && !st.AssumeRolePolicyName.IsNull() {
		managed = st.AssumeRolePolicyName.ValueString()
	}
	wantManaged := len(st.AssumableRoleARNs.Elements()) > 0 || (importing && find(policyTypeCustom, managed) != nil)

	if !wantManaged {
		if find(policyTypeSystem, stsAssumeRoleSystemPolicy) != nil {
			st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringValue(stsAssumeRoleSystemPolicy), types.StringValue(policyTypeSystem)
		} else {
			st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
		}
		return diags
	}
	ap := find(policyTypeCustom, managed)
	if ap == nil {
		// Detached (or deleted) outside Terraform: the plan shows the policy being attached again.
		st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
		return diags
	}
	st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringValue(ap.Name), types.StringValue(policyTypeCustom)

	known, d := getPolicyVersion(ctx, priv)
	diags.Append(d...)
	if known != "" && known == ap.DefaultVersion {
		return diags // the version we wrote: nothing to read
	}
	p, err := r.client.GetPolicy(ctx, ap.Name, policyTypeCustom)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Reading policy %q of RAM user %q", ap.Name, name), err, "")
		return diags
	}
	current, _ := stringSet(ctx, st.AssumableRoleARNs)
	rendered, rerr := renderAssumeRolePolicy(current)
	if rerr == nil && policy.Equal(rendered, p.Document) {
		diags.Append(setPolicyVersion(ctx, privOut, p.DefaultVersion)...)
		return diags
	}
	extracted := assumableRolesFromDocument(p.Document)
	if len(extracted) > 0 {
		v, d := types.SetValueFrom(ctx, types.StringType, extracted)
		diags.Append(d...)
		st.AssumableRoleARNs = v
	}
	if again, err := renderAssumeRolePolicy(extracted); err == nil && policy.Equal(again, p.Document) {
		// A document of our own shape (e.g. after import): what it allows is now in state.
		diags.Append(setPolicyVersion(ctx, privOut, p.DefaultVersion)...)
	} else {
		// Edited into something else: the plan re-attaches/rewrites the policy.
		tflog.Warn(ctx, "managed assume-role policy was changed outside Terraform", map[string]any{"policy_name": ap.Name})
		st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
	}
	return diags
}

func (r *delegatedUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, st delegatedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	oldName, name := st.Name.ValueString(), plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "user_name", name)

	// 1. The user itself (rename and profile fields).
	in := ramclient.UpdateUserInput{Name: oldName}
	changed := false
	if name != oldName {
		in.NewName, changed = &name, true
	}
	for _, f := range []struct {
		planV, stateV types.String
		dst           **string
	}{
		{plan.DisplayName, st.DisplayName, &in.DisplayName},
		{plan.Email, st.Email, &in.Email},
		{plan.MobilePhone, st.MobilePhone, &in.MobilePhone},
		{plan.Comments, st.Comments, &in.Comments},
	} {
		if !f.planV.IsNull() && !f.planV.IsUnknown() && !f.planV.Equal(f.stateV) {
			v := f.planV.ValueString()
			*f.dst, changed = &v, true
		}
	}
	if changed {
		u, err := r.client.UpdateUser(ctx, in)
		if err != nil {
			hint := ""
			if ramclient.IsAlreadyExists(err) {
				hint = fmt.Sprintf("Another RAM user is already named %q.", name)
			}
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating RAM user %q", oldName), err, hint)
			return
		}
		st.applyUser(u)
		st.keepPlanned(plan)
		if name != oldName {
			// RAM may show the user under its new name only after a while, like a new user.
			resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdUser)...)
			st.ARN, st.LogonName = plan.ARN, plan.LogonName
			if st.ARN.IsUnknown() || st.LogonName.IsUnknown() {
				arn, logon, err := r.userARNAndLogon(ctx, name)
				if err != nil {
					addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating RAM user %q", name), err, "")
					return
				}
				st.ARN, st.LogonName = types.StringValue(arn), types.StringValue(logon)
			}
		}
		// Keep the state in step with what was done, in case a later step fails.
		resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	}
	setNameIdentity(ctx, resp.Identity, name, &resp.Diagnostics)

	// 2. The policy granting sts:AssumeRole (also repairs a detached or edited policy).
	if !plan.AssumableRoleARNs.Equal(st.AssumableRoleARNs) || !plan.AssumeRolePolicyName.Equal(st.AssumeRolePolicyName) ||
		!plan.AssumeRolePolicyType.Equal(st.AssumeRolePolicyType) {
		arns, d := stringSet(ctx, plan.AssumableRoleARNs)
		resp.Diagnostics.Append(d...)
		if resp.Diagnostics.HasError() {
			return
		}
		var old []string
		if st.AssumeRolePolicyType.ValueString() == policyTypeCustom && !st.AssumeRolePolicyName.IsNull() {
			old = append(old, st.AssumeRolePolicyName.ValueString())
		}
		if len(st.AssumableRoleARNs.Elements()) > 0 {
			old = append(old, managedPolicyName(oldName))
		}
		r.grantAssumeRole(ctx, name, arns, old, plan.AssumableRoleARNs, &st, resp.Private, &resp.State, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	st.AssumableRoleARNs = plan.AssumableRoleARNs

	// 3. Console login.
	pc := objectOrNil[consoleLoginModel](ctx, plan.ConsoleLogin, &resp.Diagnostics)
	sc := objectOrNil[consoleLoginModel](ctx, st.ConsoleLogin, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	switch {
	case pc == nil && sc != nil:
		if err := r.client.DeleteLoginProfile(ctx, name); err != nil && !ramclient.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the login profile of RAM user %q", name), err, "")
			return
		}
		st.ConsoleLogin = types.ObjectNull(consoleLoginAttrTypes)
	case pc != nil && sc == nil:
		password := r.configPassword(ctx, req.Config, *pc, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		if err := r.createLoginProfile(ctx, name, password, *pc); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating the login profile of RAM user %q", name), err, passwordHint(err))
			return
		}
		resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdConsoleLogin)...)
		pc.PasswordWO = types.StringNull()
		st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, *pc, &resp.Diagnostics)
	case pc != nil && sc != nil:
		sendPassword := !pc.Password.Equal(sc.Password) || !pc.PasswordWOVersion.Equal(sc.PasswordWOVersion)
		if sendPassword || !pc.PasswordResetRequired.Equal(sc.PasswordResetRequired) || !pc.MFABindRequired.Equal(sc.MFABindRequired) {
			in := ramclient.LoginProfileInput{
				UserName:              name,
				PasswordResetRequired: pc.PasswordResetRequired.ValueBool(),
				MFABindRequired:       pc.MFABindRequired.ValueBool(),
			}
			if sendPassword {
				in.Password = r.configPassword(ctx, req.Config, *pc, &resp.Diagnostics)
				if resp.Diagnostics.HasError() {
					return
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
				return
			}
			tflog.Info(ctx, "updated login profile", map[string]any{"password_changed": sendPassword})
		}
		pc.PasswordWO = types.StringNull()
		st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, *pc, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// 4. AccessKey: create/replace when the plan says the ID is unknown, delete when the attribute is gone.
	pp := objectOrNil[programmaticAccessModel](ctx, plan.ProgrammaticAccess, &resp.Diagnostics)
	sp := objectOrNil[programmaticAccessModel](ctx, st.ProgrammaticAccess, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	switch {
	case pp == nil && sp != nil:
		if err := r.deleteAccessKey(ctx, name, sp.AccessKeyID.ValueString()); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the AccessKey of RAM user %q", name), err, "")
			return
		}
		st.ProgrammaticAccess = types.ObjectNull(programmaticAccessAttrTypes)
	case pp != nil && pp.AccessKeyID.IsUnknown():
		oldKey := ""
		if sp != nil {
			oldKey = sp.AccessKeyID.ValueString()
		}
		err := r.createAccessKey(ctx, name, pp)
		if ramclient.ClassOf(err) == ramclient.ClassLimitExceeded && oldKey != "" {
			// Two keys already: make room by deleting the one being replaced first.
			if derr := r.deleteAccessKey(ctx, name, oldKey); derr != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the AccessKey of RAM user %q", name), derr, "")
				return
			}
			oldKey = ""
			err = r.createAccessKey(ctx, name, pp)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating an AccessKey for RAM user %q", name), err, accessKeyHint(err))
			return
		}
		resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdAccessKey)...)
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, *pp, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
		if oldKey != "" {
			if err := r.deleteAccessKey(ctx, name, oldKey); err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting the replaced AccessKey of RAM user %q", name), err, "")
				return
			}
		}
	case pp != nil:
		st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, *pp, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
}

// Delete revokes the user completely; pieces already gone are fine.
func (r *delegatedUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st delegatedUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := st.Name.ValueString()
	ctx = tflog.SetField(ctx, "user_name", name)
	summary := fmt.Sprintf("Deleting RAM user %q", name)
	ignoreGone := func(err error) error {
		if ramclient.IsNotFound(err) {
			return nil
		}
		return err
	}

	keys, err := r.client.ListAccessKeys(ctx, name)
	if ignoreGone(err) != nil {
		addAPIError(&resp.Diagnostics, summary, err, "")
		return
	}
	for _, k := range keys {
		if err := r.deleteAccessKey(ctx, name, k.ID); err != nil {
			addAPIError(&resp.Diagnostics, summary, err, "")
			return
		}
	}
	if err := ignoreGone(r.client.DeleteLoginProfile(ctx, name)); err != nil {
		addAPIError(&resp.Diagnostics, summary, err, "")
		return
	}
	attached, err := r.client.ListPoliciesForUser(ctx, name)
	if ignoreGone(err) != nil {
		addAPIError(&resp.Diagnostics, summary, err, "")
		return
	}
	for _, p := range attached {
		if err := ignoreGone(r.client.DetachPolicyFromUser(ctx, name, p.Type, p.Name)); err != nil {
			addAPIError(&resp.Diagnostics, summary, err, "")
			return
		}
	}
	managed := map[string]bool{}
	if st.AssumeRolePolicyType.ValueString() == policyTypeCustom && !st.AssumeRolePolicyName.IsNull() {
		managed[st.AssumeRolePolicyName.ValueString()] = true
	}
	if len(st.AssumableRoleARNs.Elements()) > 0 || st.AssumableRoleARNs.IsUnknown() {
		managed[managedPolicyName(name)] = true
	}
	for p := range managed {
		if err := r.deleteManagedPolicy(ctx, p); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting policy %q of RAM user %q", p, name), err, "")
			return
		}
	}
	if err := ignoreGone(r.client.DeleteUser(ctx, name)); err != nil {
		addAPIError(&resp.Diagnostics, summary, err, "")
		return
	}
	tflog.Info(ctx, "deleted RAM user and everything it held")
}

func (r *delegatedUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := req.ID
	if name == "" && req.Identity != nil { // import by identity
		var id nameIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		name = id.Name.ValueString()
	}
	if err := policy.ValidateUserName(name); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import an aliram_delegated_user by its user name: %v.", err))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("name"), path.Root("name"), req, resp)
}

// ---- helpers ----

func (m *delegatedUserModel) applyUser(u *ramclient.User) {
	m.ID = types.StringValue(u.ID)
	m.UserID = types.StringValue(u.ID)
	m.Name = types.StringValue(u.Name)
	m.DisplayName = optionalString(u.DisplayName)
	m.Email = optionalString(u.Email)
	m.MobilePhone = optionalString(u.MobilePhone)
	m.Comments = optionalString(u.Comments)
	m.CreateDate = optionalString(u.CreateDate)
}

// keepPlanned keeps the configured spelling of the profile fields: Terraform requires the applied value to
// equal a known planned value, whatever normalisation the API applies in its echo.
func (m *delegatedUserModel) keepPlanned(plan delegatedUserModel) {
	for _, f := range []struct {
		dst     *types.String
		planned types.String
	}{
		{&m.Name, plan.Name},
		{&m.DisplayName, plan.DisplayName},
		{&m.Email, plan.Email},
		{&m.MobilePhone, plan.MobilePhone},
		{&m.Comments, plan.Comments},
	} {
		if !f.planned.IsUnknown() && !f.planned.IsNull() {
			*f.dst = f.planned
		}
	}
}

// userARNAndLogon builds the user's ARN and console sign-in name from the account facts (cached by the client).
func (r *delegatedUserResource) userARNAndLogon(ctx context.Context, name string) (string, string, error) {
	account, err := r.client.AccountID(ctx)
	if err != nil {
		return "", "", err
	}
	alias, err := r.client.AccountAlias(ctx)
	if err != nil {
		return "", "", err
	}
	if alias == "" {
		alias = account
	}
	return fmt.Sprintf("acs:ram::%s:user/%s", account, name), fmt.Sprintf("%s@%s.onaliyun.com", name, alias), nil
}

func renameInSuffix(v types.String, marker, newName string) types.String {
	s := v.ValueString()
	if v.IsNull() || v.IsUnknown() {
		return types.StringUnknown()
	}
	i := strings.LastIndex(s, marker)
	if i < 0 {
		return types.StringUnknown()
	}
	return types.StringValue(s[:i+len(marker)] + newName)
}

func renameLogon(v types.String, newName string) types.String {
	s := v.ValueString()
	if v.IsNull() || v.IsUnknown() {
		return types.StringUnknown()
	}
	i := strings.Index(s, "@")
	if i < 0 {
		return types.StringUnknown()
	}
	return types.StringValue(newName + s[i:])
}

// managedPolicyName derives the managed policy's name from the user name. Policy names allow only
// [A-Za-z0-9-]; when the user name had to be changed to fit, a short hash keeps "a.b" and "a_b" apart.
func managedPolicyName(userName string) string {
	safe := policyNameUnsafe.ReplaceAllString(userName, "-")
	n := "AssumeRole-" + safe
	if safe != userName {
		sum := sha256.Sum256([]byte(userName))
		n += "-" + hex.EncodeToString(sum[:4])
	}
	return n // at most 11 + 64 + 9 characters, well within RAM's 128
}

func renderAssumeRolePolicy(arns []string) (string, error) {
	sorted := append([]string(nil), arns...)
	sort.Strings(sorted)
	return policy.RenderPolicy([]policy.Statement{{
		Effect:    "Allow",
		Actions:   []string{"sts:AssumeRole"},
		Resources: sorted,
	}})
}

// assumableRolesFromDocument lists the resources an Allow sts:AssumeRole statement of doc names.
func assumableRolesFromDocument(doc string) []string {
	var d struct {
		Statement []struct {
			Effect   string
			Action   json.RawMessage
			Resource json.RawMessage
		}
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return nil
	}
	strs := func(raw json.RawMessage) []string {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			return []string{one}
		}
		var many []string
		_ = json.Unmarshal(raw, &many)
		return many
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		assume := false
		for _, a := range strs(s.Action) {
			if strings.EqualFold(a, "sts:AssumeRole") {
				assume = true
			}
		}
		if !assume {
			continue
		}
		for _, res := range strs(s.Resource) {
			if !seen[res] {
				seen[res] = true
				out = append(out, res)
			}
		}
	}
	sort.Strings(out)
	return out
}

// syncAssumePolicy makes the user hold exactly one policy granting sts:AssumeRole: the managed custom policy
// for arns, or the system policy when arns is empty. The new grant is attached before the old one is removed,
// so the user never loses access in between. old lists managed policy names to remove if no longer wanted.
// grantAssumeRole makes the user's sts:AssumeRole grant match arns (old: managed policies to drop), records it
// in st and in private state, and saves the state at once, so a later failure of the same apply leaves the
// grant known to the next one.
func (r *delegatedUserResource) grantAssumeRole(ctx context.Context, name string, arns, old []string, planARNs types.Set,
	st *delegatedUserModel, private privateStore, state *tfsdk.State, diags *diag.Diagnostics) {
	pName, pType, version, err := r.syncAssumePolicy(ctx, name, arns, old)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Granting sts:AssumeRole to RAM user %q", name), err, "")
		return
	}
	st.AssumableRoleARNs = planARNs
	st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringValue(pName), types.StringValue(pType)
	diags.Append(setPolicyVersion(ctx, private, version)...)
	diags.Append(markCreatedNow(ctx, private, createdAssumePolicy)...)
	diags.Append(state.Set(ctx, st)...)
}

func (r *delegatedUserResource) syncAssumePolicy(ctx context.Context, user string, arns []string, old []string) (name, pType, version string, err error) {
	attached, err := r.client.ListPoliciesForUser(ctx, user)
	if err != nil {
		return "", "", "", err
	}
	isAttached := func(t, n string) bool {
		for _, p := range attached {
			if strings.EqualFold(p.Type, t) && strings.EqualFold(p.Name, n) {
				return true
			}
		}
		return false
	}
	attach := func(t, n string) error {
		if isAttached(t, n) {
			return nil
		}
		if err := r.client.AttachPolicyToUser(ctx, user, t, n); err != nil && !ramclient.IsAlreadyExists(err) {
			return err
		}
		return nil
	}

	if len(arns) > 0 {
		name, pType = managedPolicyName(user), policyTypeCustom
		doc, err := renderAssumeRolePolicy(arns)
		if err != nil {
			return "", "", "", fmt.Errorf("building the assume-role policy: %w", err)
		}
		if version, err = r.ensureManagedPolicy(ctx, name, user, doc); err != nil {
			return "", "", "", err
		}
		if err := attach(policyTypeCustom, name); err != nil {
			return "", "", "", err
		}
		if isAttached(policyTypeSystem, stsAssumeRoleSystemPolicy) {
			if err := r.client.DetachPolicyFromUser(ctx, user, policyTypeSystem, stsAssumeRoleSystemPolicy); err != nil && !ramclient.IsNotFound(err) {
				return "", "", "", err
			}
		}
	} else {
		name, pType = stsAssumeRoleSystemPolicy, policyTypeSystem
		if err := attach(policyTypeSystem, name); err != nil {
			return "", "", "", err
		}
	}
	for _, o := range old {
		if pType == policyTypeCustom && strings.EqualFold(o, name) {
			continue
		}
		if err := r.client.DetachPolicyFromUser(ctx, user, policyTypeCustom, o); err != nil && !ramclient.IsNotFound(err) {
			return "", "", "", err
		}
		if err := r.deleteManagedPolicy(ctx, o); err != nil {
			return "", "", "", err
		}
	}
	return name, pType, version, nil
}

// ensureManagedPolicy creates the policy, or writes doc as its new default version when it differs.
func (r *delegatedUserResource) ensureManagedPolicy(ctx context.Context, name, user, doc string) (string, error) {
	p, err := r.client.GetPolicy(ctx, name, policyTypeCustom)
	if ramclient.IsNotFound(err) {
		desc := fmt.Sprintf("Managed by Terraform (aliram_delegated_user %s): allows sts:AssumeRole on the roles this user may assume.", user)
		created, cerr := r.client.CreatePolicy(ctx, name, doc, desc)
		if cerr == nil {
			return created.DefaultVersion, nil
		}
		if !ramclient.IsAlreadyExists(cerr) {
			return "", cerr
		}
		// Created concurrently or not yet visible: fall through to a new version.
		p, err = &ramclient.Policy{}, nil
	}
	if err != nil {
		return "", err
	}
	if p.Document != "" && policy.Equal(p.Document, doc) {
		return p.DefaultVersion, nil
	}
	v, err := r.client.CreatePolicyVersion(ctx, name, doc, true, true)
	if err != nil {
		return "", err
	}
	tflog.Info(ctx, "wrote new default version of the managed assume-role policy", map[string]any{"policy_name": name, "version": v.ID})
	return v.ID, nil
}

// deleteManagedPolicy deletes a policy this resource manages with all its versions, detaching it from
// anyone else first. A policy already gone is fine.
func (r *delegatedUserResource) deleteManagedPolicy(ctx context.Context, name string) error {
	versions, err := r.client.ListPolicyVersions(ctx, name, policyTypeCustom)
	if ramclient.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, v := range versions {
		if v.IsDefault {
			continue
		}
		if err := r.client.DeletePolicyVersion(ctx, name, v.ID); err != nil && !ramclient.IsNotFound(err) {
			return err
		}
	}
	err = r.client.DeletePolicy(ctx, name)
	if ramclient.IsConflict(err) {
		ents, lerr := r.client.ListEntitiesForPolicy(ctx, name, policyTypeCustom)
		if lerr != nil {
			return lerr
		}
		for _, u := range ents.Users {
			if derr := r.client.DetachPolicyFromUser(ctx, u, policyTypeCustom, name); derr != nil && !ramclient.IsNotFound(derr) {
				return derr
			}
		}
		for _, ro := range ents.Roles {
			if derr := r.client.DetachPolicyFromRole(ctx, ro, policyTypeCustom, name); derr != nil && !ramclient.IsNotFound(derr) {
				return derr
			}
		}
		err = r.client.DeletePolicy(ctx, name)
	}
	if ramclient.IsNotFound(err) {
		return nil
	}
	return err
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
		err = r.client.UpdateLoginProfile(ctx, in)
	}
	return err
}

func passwordHint(err error) string {
	if ramclient.HasCode(err, "InvalidParameter.Password.TooWeak") {
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
	if ramclient.ClassOf(err) == ramclient.ClassLimitExceeded {
		return "A RAM user can hold at most 2 AccessKeys. Delete an unused key of this user (created outside Terraform) and apply again."
	}
	return ""
}

// ---- small framework helpers ----

type tfsdkConfig interface {
	GetAttribute(ctx context.Context, p path.Path, target interface{}) diag.Diagnostics
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func getPolicyVersion(ctx context.Context, p privateGetter) (string, diag.Diagnostics) {
	if p == nil {
		return "", nil
	}
	raw, diags := p.GetKey(ctx, privateKeyPolicyVersion)
	if len(raw) == 0 {
		return "", diags
	}
	var v struct {
		Version string `json:"version"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Version, diags
}

func setPolicyVersion(ctx context.Context, p privateSetter, version string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if version == "" {
		return p.SetKey(ctx, privateKeyPolicyVersion, nil)
	}
	raw, _ := json.Marshal(map[string]string{"version": version})
	return p.SetKey(ctx, privateKeyPolicyVersion, raw)
}

func stringSet(ctx context.Context, s types.Set) ([]string, diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return nil, nil
	}
	var out []string
	diags := s.ElementsAs(ctx, &out, false)
	sort.Strings(out)
	return out, diags
}

func setFullyKnown(s types.Set) bool {
	if s.IsUnknown() {
		return false
	}
	for _, e := range s.Elements() {
		if e.IsUnknown() {
			return false
		}
	}
	return true
}

// objectOrNil decodes a known, non-null object into T; nil otherwise.
func objectOrNil[T any](ctx context.Context, o types.Object, diags *diag.Diagnostics) *T {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var v T
	diags.Append(o.As(ctx, &v, basetypes.ObjectAsOptions{})...)
	return &v
}

func objectFrom(ctx context.Context, attrTypes map[string]attr.Type, v any, diags *diag.Diagnostics) types.Object {
	o, d := types.ObjectValueFrom(ctx, attrTypes, v)
	diags.Append(d...)
	return o
}
