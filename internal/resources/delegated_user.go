package resources

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
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
)

var (
	_ managedResource                     = (*delegatedUserResource)(nil)
	_ resource.ResourceWithValidateConfig = (*delegatedUserResource)(nil)
)

// NewDelegatedUserResource is account B's side of a delegation: a RAM user allowed to assume roles of
// account A, with its console login and/or AccessKey.
func NewDelegatedUserResource() resource.Resource {
	return &delegatedUserResource{resourceWithClient{typeName: "aliram_delegated_user"}}
}

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
	// AssumeRolePolicyDocument is the managed policy's document: null with the system policy.
	AssumeRolePolicyDocument policy.DocumentValue `tfsdk:"assume_role_policy_document"`
	ConsoleLogin             types.Object         `tfsdk:"console_login"`       //< consoleLoginModel
	ProgrammaticAccess       types.Object         `tfsdk:"programmatic_access"` //< programmaticAccessModel
	UserID                   types.String         `tfsdk:"user_id"`
	ARN                      types.String         `tfsdk:"arn"`
	LogonName                types.String         `tfsdk:"logon_name"`
	CreateDate               types.String         `tfsdk:"create_date"`
	Exclusive                types.Bool           `tfsdk:"exclusive"`
	OutOfBand                types.Object         `tfsdk:"out_of_band"` //< outOfBandModel

	Timeouts timeouts.Value `tfsdk:"timeouts"` // the operations' time budgets
}

func (r *delegatedUserResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.resourceWithClient.Metadata(ctx, req, resp)
	// The identity is the user name, which RAM looks users up by and which an import block names; a rename
	// is an in-place update, so the identity changes with it. (The stable user ID would need a ListUsers scan
	// to import.)
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *delegatedUserResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Optional without Computed: removing a profile field from the configuration plans an update that
	// clears it in RAM (sent present and empty), and an empty field reads back as null.
	optionalText := func(desc string, validators ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: desc + " Removing it from the configuration clears it in RAM.",
			Validators:          validators,
		}
	}
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
		MarkdownDescription: "A RAM user in the **operator's account (B)** that may assume roles of the owner's account (A): " +
			"steps 3 and 4 of the cross-account delegation. The user gets either a least-privilege custom policy " +
			"allowing `sts:AssumeRole` on exactly `assumable_role_arns`, managed by this resource, or (when that set is " +
			"empty) the system policy `AliyunSTSAssumeRoleAccess`. Give it console access (`console_login`) for an " +
			"employee or an AccessKey (`programmatic_access`) for an application; Alibaba Cloud recommends one of the two per user.\n\n" +
			"Destroying it revokes the user completely: every AccessKey (also ones created outside Terraform), the " +
			"login profile, every attached policy, its memberships of user groups (the groups stay), its MFA device " +
			"(unbound and deleted), then the user and the managed policy with all its versions; what is already gone " +
			"is skipped. An STS session the user obtained before lives on until it expires (at most the role's " +
			"`max_session_duration`): RAM does not revoke issued credentials with the user. Deleting the role does end them.\n\n" +
			"**Interrupted applies.** RAM users have no tags, so a user's proof of having been created by this " +
			"resource is its managed policy `AssumeRole-<name>`: the policy is created before the user, tagged `" +
			ramclient.MarkerTagKey + "` with a value that names the user and fingerprints its profile arguments, " +
			"and tagged `" + ramclient.WitnessUserIDTagKey + "` with the user's ID as soon as the user exists. When an " +
			"apply dies after RAM created the user but before the state was saved (or the answer to `CreateUser` is " +
			"lost), the next apply takes the user over if that policy names its ID, or (when the apply died between " +
			"the two) if the user was created after the policy, has exactly the configured profile fields and holds " +
			"nothing this configuration would not give it. An AccessKey the interrupted apply made is deleted and " +
			"replaced, since its secret was never saved; an existing login profile gets the configured password. " +
			"Any other user of that name is refused, and the error names the `import` block to add. A policy named " +
			"`AssumeRole-<name>` that this provider did not create for the user is never adopted, rewritten or " +
			"deleted. A user without `assumable_role_arns` has no managed policy and so no proof: after an " +
			"interrupted create it has to be imported.",
		Attributes: map[string]schema.Attribute{
			"id": stableComputedString("The user ID (same as `user_id`); it does not change when the user is renamed. An import ID, as is the user name."),
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
			"assume_role_policy_document": schema.StringAttribute{
				CustomType: policy.DocumentType{},
				Computed:   true,
				MarkdownDescription: "The document of the managed policy `assume_role_policy_name` (JSON), rendered at plan " +
					"time: `sts:AssumeRole` allowed on exactly `assumable_role_arns`, the access this user gets. " +
					"Semantically equal documents never show a diff; a document changed outside Terraform shows as RAM " +
					"holds it, and apply writes this one back. Null when `assumable_role_arns` is empty: the user then " +
					"gets the system policy `AliyunSTSAssumeRoleAccess`, which allows `sts:AssumeRole` on every role.",
			},
			"console_login":       consoleLoginAttribute(),
			"programmatic_access": programmaticAccessAttribute(),
			"exclusive":           exclusiveAttribute(),
			"out_of_band":         outOfBandAttribute(),
			"user_id":             stableComputedString("The user ID assigned by RAM."),
			"arn":                 stableComputedString("The user ARN, `acs:ram::<account id>:user/<name>`: the principal to put in a trust policy."),
			"logon_name": stableComputedString("The console sign-in name, `<name>@<account alias>.onaliyun.com` (the account ID " +
				"replaces the alias when none is set)."),
			"create_date": stableComputedString("When the user was created (RAM's timestamp)."),
		},
	}
}

func (r *delegatedUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan delegatedUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	name := plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "user_name", name)

	// Account facts first (when the plan could not know them): if they fail, nothing has been created yet.
	arn, logon := plan.ARN.ValueString(), plan.LogonName.ValueString()
	if plan.ARN.IsUnknown() || plan.LogonName.IsUnknown() {
		a, l, err := r.userARNAndLogon(ctx, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating RAM user %q", name), err, "")
			return
		}
		if plan.ARN.IsUnknown() {
			arn = a
		}
		if plan.LogonName.IsUnknown() {
			logon = l
		}
	}
	arns, d := stringSet(ctx, plan.AssumableRoleARNs)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The witness first: the managed policy, marked as made for this user, is the proof that lets the next
	// apply adopt the user if this one is interrupted (see delegated_user_assume_policy.go).
	mayHold := ramclient.UserHoldings{LoginProfile: !plan.ConsoleLogin.IsNull(), AccessKeys: !plan.ProgrammaticAccess.IsNull(),
		Policies: []ramclient.AttachedPolicy{{Type: policyTypeSystem, Name: stsAssumeRoleSystemPolicy}}}
	var witness *ramclient.Policy
	if len(arns) > 0 {
		in, err := managedPolicyInput(&plan, arns)
		if err == nil {
			witness, err = r.client.CreatePolicy(ctx, in)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating the managed policy of RAM user %q", name), err, foreignPolicyHint(err, in.Name, name))
			return
		}
		mayHold.Policies = []ramclient.AttachedPolicy{{Type: policyTypeCustom, Name: witness.Name}}
	}
	u, err := r.client.CreateUser(ctx, ramclient.CreateUserInput{
		Name:        name,
		DisplayName: plan.DisplayName.ValueString(),
		MobilePhone: plan.MobilePhone.ValueString(),
		Email:       plan.Email.ValueString(),
		Comments:    plan.Comments.ValueString(),
		Witness:     witness,
		MayHold:     mayHold,
	})
	if err != nil {
		if witness != nil && !witness.Adopted && userSurelyAbsent(err) {
			// Made for a user that will not be: do not leave it behind.
			if derr := r.deleteManagedPolicy(ctx, witness.Name); derr != nil {
				tflog.Warn(ctx, "could not delete the managed policy made for the user", map[string]any{"policy_name": witness.Name, "error": derr.Error()})
			}
		}
		hint := createConflictHint(err, "aliram_delegated_user", "RAM user", name)
		if ramclient.IsAlreadyExists(err) && len(arns) == 0 {
			hint = "A user without assumable_role_arns has no managed policy to prove that this provider created it. " + hint
		}
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating RAM user %q", name), err, hint)
		return
	}
	if u.Adopted {
		tflog.Info(ctx, "adopted the RAM user an earlier, interrupted create made", map[string]any{"user_id": u.ID})
	} else {
		tflog.Info(ctx, "created RAM user", map[string]any{"user_id": u.ID})
	}
	resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdUser)...)

	// Save the user at once: if a later step fails, Terraform keeps it (tainted) and the next apply
	// destroys it completely and starts over, instead of failing on "user already exists".
	st := plan
	st.applyUser(u)
	st.keepPlanned(plan)
	st.ARN, st.LogonName = types.StringValue(arn), types.StringValue(logon)
	st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
	st.AssumeRolePolicyDocument = policy.NewDocumentNull() // granted next
	st.ConsoleLogin = types.ObjectNull(consoleLoginAttrTypes)
	st.ProgrammaticAccess = types.ObjectNull(programmaticAccessAttrTypes)
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	r.createHoldings(ctx, req.Config, resp, plan, &st, arns, witness, u.Adopted)
}

func (r *delegatedUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st delegatedUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, st.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
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
	if !readFound(ctx, r.client, resp, fmt.Sprintf("RAM user %q", name), name, err) {
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

	reads := r.client.UserReads(name)
	reads.Prefetch(ctx, userReadsOf(st, importing)) // the lists below, all at once: see userReadsOf
	resp.Diagnostics.Append(r.readAssumePolicy(ctx, reads, &st, importing, req.Private, resp.Private)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !r.readConsoleLogin(ctx, reads, &st, importing, &resp.Diagnostics) || !r.readAccessKey(ctx, reads, &st, importing, &resp.Diagnostics) ||
		!r.readOutOfBand(ctx, reads, &st, &resp.Diagnostics) {
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if recent {
		resp.Diagnostics.Append(clearCreatedAt(ctx, resp.Private)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	setNameIdentity(ctx, r.client, resp.Identity, st.Name.ValueString(), &resp.Diagnostics)
}

// userSurelyAbsent reports whether a failed CreateUser certainly created no user: RAM refused it. After a
// transport error or a cancellation the user may exist, and the witness policy must stay to prove it ours.
func userSurelyAbsent(err error) bool {
	switch ramclient.ClassOf(err) {
	case ramclient.ClassAlreadyExists, ramclient.ClassInvalid, ramclient.ClassLimitExceeded, ramclient.ClassPermission, ramclient.ClassAuth:
		return true
	}
	return false
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

func (r *delegatedUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, st, ok := updatePlanAndState[delegatedUserModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	oldName, name := st.Name.ValueString(), plan.Name.ValueString()
	ctx = tflog.SetField(ctx, "user_name", name)

	// 0. What the user holds outside its configuration, first: it is what the plan takes away.
	if !r.removeOutOfBand(ctx, oldName, plan, &st, &resp.Diagnostics) {
		return
	}

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
		if !f.planV.IsUnknown() && !f.planV.Equal(f.stateV) {
			v := f.planV.ValueString() // "" for a removed field: RAM clears it
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
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)

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
		r.grantAssumeRole(ctx, name, arns, old, plan.AssumableRoleARNs, nil, false, &st, resp.Private, &resp.State, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	st.AssumableRoleARNs = plan.AssumableRoleARNs
	if !plan.AssumeRolePolicyDocument.IsUnknown() {
		st.AssumeRolePolicyDocument = plan.AssumeRolePolicyDocument // what the plan showed (same document)
	}

	// 3. Console login.
	if !r.updateConsoleLogin(ctx, req, resp, plan, &st) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// 4. AccessKey: create/replace when the plan says the ID is unknown, delete when the attribute is gone.
	if !r.updateAccessKey(ctx, resp, plan, &st) {
		return
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
	ctx, cancel := withTimeout(ctx, st.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	name := st.Name.ValueString()
	ctx = tflog.SetField(ctx, "user_name", name)
	summary := fmt.Sprintf("Deleting RAM user %q", name)
	ignoreGone := func(err error) error {
		if ramclient.IsNotFound(err) {
			return nil
		}
		return err
	}

	// The user goes first, with everything it holds (keys first): revocation should not wait on the
	// managed policy, which grants nothing once the user is gone.
	if err := ignoreGone(r.client.DeleteUserWith(ctx, name, ramclient.DeleteUserOptions{RemoveDependents: true})); err != nil {
		addAPIError(&resp.Diagnostics, summary, err, "")
		return
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
	tflog.Info(ctx, "deleted RAM user and everything it held")
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
