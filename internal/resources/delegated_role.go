package resources

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

var (
	_ managedResource                     = (*delegatedRoleResource)(nil)
	_ resource.ResourceWithValidateConfig = (*delegatedRoleResource)(nil)
)

const (
	// defaultTrustedService is the service whose instances carry a delegated role: ECS (instance RAM roles).
	defaultTrustedService = "ecs.aliyuncs.com"
	// delegatedRolePolicyPrefix starts the managed policy's name; users' managed policies start "AssumeRole-",
	// so a role and a user of the same name never meet over one policy name.
	delegatedRolePolicyPrefix = "RoleAssumeRole-"
)

// NewDelegatedRoleResource is account B's side of a delegation for B's applications that have no AccessKey:
// a role of B that a service (ECS, for an instance RAM role) or B's own principals assume, allowed to assume
// exactly the given roles of A.
func NewDelegatedRoleResource() resource.Resource {
	return &delegatedRoleResource{byName("aliram_delegated_role", "Name of the role.")}
}

type delegatedRoleResource struct {
	importedByName
}

type delegatedRoleModel struct {
	ID                   types.String         `tfsdk:"id"`
	Name                 types.String         `tfsdk:"name"`
	TrustedServices      types.Set            `tfsdk:"trusted_services"`
	TrustedPrincipalARNs types.Set            `tfsdk:"trusted_principal_arns"`
	AssumableRoleARNs    types.Set            `tfsdk:"assumable_role_arns"`
	TrustPolicy          policy.DocumentValue `tfsdk:"trust_policy"`
	AssumeRolePolicyName types.String         `tfsdk:"assume_role_policy_name"`
	Description          types.String         `tfsdk:"description"`
	MaxSessionDuration   types.Int64          `tfsdk:"max_session_duration"`
	Tags                 types.Map            `tfsdk:"tags"`
	ARN                  types.String         `tfsdk:"arn"`
	RoleID               types.String         `tfsdk:"role_id"`
	CreateDate           types.String         `tfsdk:"create_date"`

	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *delegatedRoleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
		MarkdownDescription: "A RAM role in the **operator's account (B)** for B's applications that hold no AccessKey: the " +
			"role is trusted by a service (`ecs.aliyuncs.com` by default, so it can be the instance RAM role of B's ECS " +
			"instances) and/or by principals of B's own account, and may assume exactly the roles of the owner's account (A) " +
			"in `assumable_role_arns`, through a least-privilege custom policy this resource manages, as " +
			"`aliram_delegated_user` does for users. An application on such an instance takes the role's credentials " +
			"from the instance metadata service and calls STS `AssumeRole` on A's role; A trusts the role by listing " +
			"its `arn` in `trusted_principal_arns` of `aliram_cross_account_role`.\n\n" +
			"Destroying it revokes completely: every policy attached to the role (also ones attached outside " +
			"Terraform) is detached, the role is deleted (every STS session of it ends at once, so the instance's " +
			"credentials and the A sessions already obtained with them can no longer be renewed) and the managed " +
			"policy is deleted with all its versions.\n\n" + markerDoc("role") + " The managed policy `" +
			delegatedRolePolicyPrefix + "<name>` carries a marker of its own: one of that name this provider did not " +
			"create for the role is never adopted, rewritten or deleted.",
		Attributes: roleAttributes(" (the instance RAM role name an ECS instance is given)",
			"known at plan time: what account A lists in `trusted_principal_arns`.",
			" (ECS hands out instance credentials of its own lifetime.)", map[string]schema.Attribute{
				"trusted_services": schema.SetAttribute{
					ElementType: types.StringType,
					Optional:    true,
					Computed:    true,
					Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{types.StringValue(defaultTrustedService)})),
					MarkdownDescription: "Service principals allowed to assume the role (`Principal.Service` of its trust policy), " +
						"each an Alibaba Cloud service domain such as `ecs.aliyuncs.com` (the default: the role can be attached " +
						"to ECS instances) or `fc.aliyuncs.com`. An empty set trusts no service; then `trusted_principal_arns` " +
						"must name someone.",
					Validators: []validator.Set{setvalidator.ValueStringsAre(policy.ServicePrincipalValidator())},
				},
				"trusted_principal_arns": schema.SetAttribute{
					ElementType: types.StringType,
					Optional:    true,
					MarkdownDescription: "RAM users or roles **of this account (B)** allowed to assume the role " +
						"(`acs:ram::<B's account id>:user/<name>` or `:role/<name>`), for applications outside ECS. " +
						"Principals of other accounts are refused: that is `aliram_cross_account_role`'s job.",
					Validators: nonEmptySetOf(policy.PrincipalARNValidator()),
				},
				"assumable_role_arns": schema.SetAttribute{
					ElementType: types.StringType,
					Required:    true,
					MarkdownDescription: "ARNs of the roles (usually of account A, made with `aliram_cross_account_role`) this " +
						"role may assume: the managed policy allows `sts:AssumeRole` on exactly these, nothing else. Changing " +
						"the set writes a new default version of that policy in place. 1 to 50 roles.",
					Validators: []validator.Set{
						setvalidator.SizeBetween(1, maxAssumableRoles),
						setvalidator.ValueStringsAre(policy.RoleARNValidator()),
					},
				},
				"trust_policy": schema.StringAttribute{
					CustomType: policy.DocumentType{},
					Computed:   true,
					MarkdownDescription: "The role's trust policy, built at plan time from `trusted_services` and " +
						"`trusted_principal_arns`. A change made outside Terraform shows as a diff and apply sets it back.",
				},
				"assume_role_policy_name": schema.StringAttribute{
					Computed: true,
					MarkdownDescription: "The managed custom policy that lets the role call `sts:AssumeRole` on " +
						"`assumable_role_arns`: `" + delegatedRolePolicyPrefix + "<name>` (`.`, `_` and `@` in the name become `-` " +
						"and a short hash of the name is appended). Null when it was detached or changed outside Terraform " +
						"(the next apply attaches or rewrites it).",
				},
			}),
	}
}

// ValidateConfig refuses a role nobody may assume: no service and no principal.
func (r *delegatedRoleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var services, principals types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("trusted_services"), &services)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("trusted_principal_arns"), &principals)...)
	if resp.Diagnostics.HasError() || services.IsUnknown() || principals.IsUnknown() {
		return
	}
	if !services.IsNull() && len(services.Elements()) == 0 && principals.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("trusted_services"), "Nobody may assume the role",
			"trusted_services is empty and trusted_principal_arns is not set: name a service (such as ecs.aliyuncs.com) "+
				"or a RAM user or role of this account that may assume the role.")
	}
}

// delegatedRoleTrust builds the trust policy from the typed arguments; known is false while one is unknown.
func delegatedRoleTrust(ctx context.Context, m delegatedRoleModel) (doc string, known bool, diags diag.Diagnostics) {
	if !setFullyKnown(m.TrustedServices) || !setFullyKnown(m.TrustedPrincipalARNs) {
		return "", false, nil
	}
	var spec policy.TrustSpec
	var d diag.Diagnostics
	spec.Services, d = stringSet(ctx, m.TrustedServices)
	diags.Append(d...)
	spec.PrincipalARNs, d = stringSet(ctx, m.TrustedPrincipalARNs)
	diags.Append(d...)
	doc, err := policy.BuildTrustPolicy(spec)
	if err != nil {
		diags.AddAttributeError(path.Root("trusted_services"), "Cannot build the trust policy", err.Error())
	}
	return doc, true, diags
}

// ModifyPlan shows at plan time the trust document, the managed policy's name and the role's ARN, and refuses
// trusted principals of another account.
func (r *delegatedRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Flags widened access (a new trusted service or principal, a new assumable role): plan_warnings.go.
	defer warnDelegatedRoleWidening(ctx, req, resp)
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	plan, state, hasState, ok := modifyPlanAndState[delegatedRoleModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	doc, docKnown, diags := delegatedRoleTrust(ctx, plan)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	switch {
	case !docKnown:
		plan.TrustPolicy = policy.NewDocumentUnknown()
	case hasState && !state.TrustPolicy.IsNull() && policy.Equal(state.TrustPolicy.ValueString(), doc):
		plan.TrustPolicy = state.TrustPolicy
	default:
		plan.TrustPolicy = policy.NewDocumentValue(doc)
	}
	if plan.Name.IsUnknown() {
		plan.AssumeRolePolicyName = types.StringUnknown()
	} else {
		plan.AssumeRolePolicyName = types.StringValue(delegatedRolePolicyName(plan.Name.ValueString()))
		if plan.ID.IsUnknown() {
			plan.ID = plan.Name // the id is the name, as the cross-account role's
		}
	}
	// The account ID makes the ARN known and tells B's principals from others. A role in the state names it in
	// its ARN; a new one asks planAccountID (expected_account_id, else the client's cached identity, bounded,
	// with a warning on arn when it cannot be known), as every resource's plan does.
	account, accountKnown := "", false
	if known(plan.ARN) {
		if acct, _, _, err := policy.ParsePrincipalARN(plan.ARN.ValueString()); err == nil {
			account, accountKnown = acct, true
		}
	}
	if !accountKnown {
		account, accountKnown = planAccountID(ctx, r.client, path.Root("arn"), &resp.Diagnostics)
		if accountKnown && plan.ARN.IsUnknown() && !plan.Name.IsUnknown() {
			plan.ARN = types.StringValue(policy.RoleARN(account, plan.Name.ValueString()))
		}
	}
	if accountKnown {
		principals, _ := stringSet(ctx, plan.TrustedPrincipalARNs)
		for _, p := range principals {
			if acct, _, _, err := policy.ParsePrincipalARN(p); err == nil && acct != account {
				resp.Diagnostics.AddAttributeError(path.Root("trusted_principal_arns"), "Not a principal of this account",
					fmt.Sprintf("trusted_principal_arns holds %s of account %s, but this role is in account %s: a delegated role "+
						"is assumed by services and by B's own users and roles. Trust another account's principals with "+
						"aliram_cross_account_role in that relationship's owner account.", p, acct, account))
			}
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func delegatedRolePolicyName(role string) string {
	return managedAssumePolicyName(delegatedRolePolicyPrefix, role)
}

func (m *delegatedRoleModel) roleInput(ctx context.Context, diags *diag.Diagnostics) ramclient.CreateRoleInput {
	doc := m.TrustPolicy.ValueString()
	if m.TrustPolicy.IsUnknown() || m.TrustPolicy.IsNull() {
		built, _, d := delegatedRoleTrust(ctx, *m)
		diags.Append(d...)
		doc = built
	}
	tags := mapOfStrings(m.Tags)
	in := ramclient.CreateRoleInput{Name: m.Name.ValueString(), TrustPolicy: doc, Description: m.Description.ValueString(),
		MaxSessionDuration: m.MaxSessionDuration.ValueInt64(), Tags: tags}
	in.Marker = ramclient.Marker{Owner: "aliram_delegated_role", Config: []string{
		in.TrustPolicy, in.Description, strconv.FormatInt(in.MaxSessionDuration, 10), ramclient.TagsConfig(tags)}}
	return in
}

func (r *delegatedRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan delegatedRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	in := plan.roleInput(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name := in.Name
	role := createRole(ctx, r.client, in, "aliram_delegated_role", resp.Private, &resp.Diagnostics)
	if role == nil {
		return
	}
	st := plan
	st.ID, st.Name = types.StringValue(role.Name), plan.Name
	st.TrustPolicy = policy.NewDocumentValue(in.TrustPolicy)
	if !plan.TrustPolicy.IsUnknown() {
		st.TrustPolicy = plan.TrustPolicy
	}
	st.ARN, st.RoleID, st.CreateDate = types.StringValue(role.ARN), types.StringValue(role.ID), types.StringValue(role.CreateDate)
	// The role exists: save it before the grant, so a failure below leaves it known (and tainted) to the next apply.
	st.AssumeRolePolicyName = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &st)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
	r.grant(ctx, &st, plan.AssumableRoleARNs, false, resp.Private, &resp.State, &resp.Diagnostics)
}

// grant makes the role hold the managed policy allowing sts:AssumeRole on arns and saves the state.
// tracked says the state already knows the policy (an update rewrites it, a create only adopts its own).
func (r *delegatedRoleResource) grant(ctx context.Context, st *delegatedRoleModel, arns types.Set, tracked bool,
	private privateStore, state *tfsdk.State, diags *diag.Diagnostics) {
	name := st.Name.ValueString()
	list, d := stringSet(ctx, arns)
	if diags.Append(d...); diags.HasError() {
		return
	}
	pName := delegatedRolePolicyName(name)
	doc, err := renderAssumeRolePolicy(list)
	if err != nil {
		diags.AddAttributeError(path.Root("assumable_role_arns"), "Cannot build the assume-role policy", err.Error())
		return
	}
	in := ramclient.CreatePolicyInput{
		Name: pName, Document: doc,
		Description: fmt.Sprintf("Managed by Terraform (aliram_delegated_role %s): allows sts:AssumeRole on the roles this role may assume.", name),
		Marker:      ramclient.Marker{Owner: "aliram_delegated_role/" + name},
	}
	version, err := ensureManagedPolicy(ctx, r.client, in, tracked, nil)
	if err == nil {
		err = r.client.AttachPolicyToRole(ctx, name, policyTypeCustom, pName) // attaching what is attached succeeds
	}
	if err != nil {
		hint := ""
		if notOurs := (*ramclient.NotCreatedHereError)(nil); errors.As(err, &notOurs) {
			hint = fmt.Sprintf("A policy named %q exists that this provider did not create for role %q. It is left as it is: "+
				"neither adopted, rewritten nor deleted. Delete or rename it if it is not needed, or give the role another name.", pName, name)
		}
		addAPIError(diags, fmt.Sprintf("Granting sts:AssumeRole to RAM role %q", name), err, hint)
		return
	}
	st.AssumableRoleARNs = arns
	st.AssumeRolePolicyName = types.StringValue(pName)
	diags.Append(setPolicyVersion(ctx, private, version)...)
	diags.Append(markCreatedNow(ctx, private, createdAssumePolicy)...)
	diags.Append(state.Set(ctx, st)...)
}

func (r *delegatedRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st delegatedRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, st.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	name := st.ID.ValueString()
	pName := delegatedRolePolicyName(name)
	recent, diags := announceRecentCreates(ctx, r.client, req.Private, func(part string) []ramclient.Entity {
		if part == createdAssumePolicy {
			return []ramclient.Entity{ramclient.PolicyEntity(pName), ramclient.RoleAttachmentEntity(name, policyTypeCustom, pName)}
		}
		return []ramclient.Entity{ramclient.RoleEntity(name)}
	})
	resp.Diagnostics.Append(diags...)
	role, err := r.client.GetRole(ctx, name)
	if !readFound(ctx, r.client, resp, fmt.Sprintf("RAM role %q", name), name, err) {
		return
	}
	importing, d := req.Private.GetKey(ctx, importingKey)
	resp.Diagnostics.Append(d...)
	st.Name = nameAsInRAM(st.Name, role.Name)
	st.TrustPolicy = documentAsInRAM(st.TrustPolicy, role.TrustPolicy)
	if importing != nil {
		// A trust the typed arguments express is imported as them; any other plans a rewrite.
		if spec, ok := trustSpecFromDocument(role.TrustPolicy); ok && len(spec.AccountIDs) == 0 {
			st.TrustedServices = setOrNull(ctx, spec.Services, true, &resp.Diagnostics)
			st.TrustedPrincipalARNs = setOrNull(ctx, spec.PrincipalARNs, false, &resp.Diagnostics)
		}
	}
	st.Description = optionalString(role.Description)
	st.MaxSessionDuration = types.Int64Value(role.MaxSessionDuration)
	st.ARN, st.RoleID, st.CreateDate = types.StringValue(role.ARN), types.StringValue(role.ID), types.StringValue(role.CreateDate)

	attached, err := r.client.ListPoliciesForRole(ctx, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Listing the policies of RAM role %q", name), err, "")
		return
	}
	if ap := ramclient.FindAttached(attached, policyTypeCustom, pName); ap == nil {
		// Detached (or deleted) outside Terraform: the plan shows the policy being attached again.
		st.AssumeRolePolicyName = types.StringNull()
	} else {
		st.AssumeRolePolicyName = types.StringValue(ap.Name)
		arns, held, _, d := checkManagedAssumeGrant(ctx, r.client, ap, st.AssumableRoleARNs, "RAM role "+strconv.Quote(name), req.Private, resp.Private)
		resp.Diagnostics.Append(d...)
		if len(arns) > 0 {
			st.AssumableRoleARNs = setOrNull(ctx, arns, false, &resp.Diagnostics)
		}
		if !held {
			st.AssumeRolePolicyName = types.StringNull()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	finishTaggedRead(ctx, r.client, resp, "role", name, importing != nil, recent, &st, &st.Tags)
}

// setOrNull is a string set; an empty one is null unless keepEmpty (trusted_services = [] means "no service").
func setOrNull(ctx context.Context, values []string, keepEmpty bool, diags *diag.Diagnostics) types.Set {
	if len(values) == 0 && !keepEmpty {
		return types.SetNull(types.StringType)
	}
	if values == nil {
		values = []string{}
	}
	v, d := types.SetValueFrom(ctx, types.StringType, values)
	diags.Append(d...)
	return v
}

func (r *delegatedRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, st, ok := updatePlanAndState[delegatedRoleModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	name := st.ID.ValueString()
	in := plan.roleInput(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	up := ramclient.UpdateRoleInput{Name: name}
	changed := false
	if !policy.Equal(in.TrustPolicy, st.TrustPolicy.ValueString()) {
		up.TrustPolicy, changed = &in.TrustPolicy, true
	}
	if !plan.Description.Equal(st.Description) {
		up.Description, changed = &in.Description, true // "" clears it
	}
	if !plan.MaxSessionDuration.Equal(st.MaxSessionDuration) {
		up.MaxSessionDuration, changed = &in.MaxSessionDuration, true
	}
	if changed {
		if _, err := r.client.UpdateRole(ctx, up); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating RAM role %q", name), err, "")
			return
		}
	}
	next := plan
	next.ID, next.ARN, next.RoleID, next.CreateDate = st.ID, st.ARN, st.RoleID, st.CreateDate
	next.TrustPolicy = policy.NewDocumentValue(in.TrustPolicy)
	if !plan.TrustPolicy.IsUnknown() {
		next.TrustPolicy = plan.TrustPolicy
	}
	next.AssumableRoleARNs, next.AssumeRolePolicyName = st.AssumableRoleARNs, st.AssumeRolePolicyName
	if !plan.Tags.Equal(st.Tags) {
		if err := applyTags(ctx, r.client, "role", name, st.Tags, plan.Tags); err != nil {
			next.Tags = st.Tags
			resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating the tags of RAM role %q", name), err, "")
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
	if !plan.AssumableRoleARNs.Equal(st.AssumableRoleARNs) || st.AssumeRolePolicyName.IsNull() {
		r.grant(ctx, &next, plan.AssumableRoleARNs, true, resp.Private, &resp.State, &resp.Diagnostics)
	}
}

// Delete revokes everything: every attached policy is detached (the client waits out RAM's stale view and
// detaches again what a concurrent attach added), the role is deleted, then its managed policy with all its
// versions. What is already gone is skipped.
func (r *delegatedRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st delegatedRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, st.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	name := st.ID.ValueString()
	err := r.client.DeleteRoleWith(ctx, name, ramclient.DeleteRoleOptions{DetachPolicies: true})
	addDeleteError(&resp.Diagnostics, fmt.Sprintf("Deleting RAM role %q", name), err, roleStillAttached(err),
		"RAM kept reporting attached policies although none are listed. Run destroy again in a minute.")
	// The managed policy is deleted when this resource made it: the state names it, or (detached outside
	// Terraform since) the private state remembers the version this resource wrote. A policy of that name
	// someone else made, which refused the grant, stays.
	written, d := getPolicyVersion(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() || (st.AssumeRolePolicyName.IsNull() && written == "") {
		return
	}
	pName := delegatedRolePolicyName(name)
	if err := deleteManagedPolicy(ctx, r.client, pName); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleting policy %q of RAM role %q", pName, name), err, "")
	}
}
