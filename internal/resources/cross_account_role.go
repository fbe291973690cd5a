package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

var (
	_ managedResource                       = (*crossAccountRoleResource)(nil)
	_ resource.ResourceWithConfigValidators = (*crossAccountRoleResource)(nil)
)

func NewCrossAccountRoleResource() resource.Resource {
	return &crossAccountRoleResource{byName("aliram_cross_account_role", "Name of the role.")}
}

type crossAccountRoleResource struct {
	importedByName
}

type crossAccountRoleModel struct {
	ID                   types.String         `tfsdk:"id"`
	Name                 types.String         `tfsdk:"name"`
	TrustedAccountIDs    types.Set            `tfsdk:"trusted_account_ids"`
	TrustedPrincipalARNs types.Set            `tfsdk:"trusted_principal_arns"`
	ExternalID           types.String         `tfsdk:"external_id"`
	RequireMFA           types.Bool           `tfsdk:"require_mfa"`
	AllowedSourceIPs     types.Set            `tfsdk:"allowed_source_ips"`
	ValidUntil           types.String         `tfsdk:"valid_until"`
	AssumeRolePolicy     policy.DocumentValue `tfsdk:"assume_role_policy"`
	Description          types.String         `tfsdk:"description"`
	MaxSessionDuration   types.Int64          `tfsdk:"max_session_duration"`
	Tags                 types.Map            `tfsdk:"tags"`
	ForceDetachPolicies  types.Bool           `tfsdk:"force_detach_policies"`
	ARN                  types.String         `tfsdk:"arn"`
	RoleID               types.String         `tfsdk:"role_id"`
	CreateDate           types.String         `tfsdk:"create_date"`

	Timeouts timeouts.Value `tfsdk:"timeouts"` // the operations' time budgets
}

// typedTrust ends the description of every typed trust argument.
const typedTrust = "Typed trust argument: conflicts with `assume_role_policy`."

// typedTrustSet is a typed trust argument that is a set of strings (accounts, principals, source addresses):
// at least one element, each checked by element. Computed: see planTypedTrust.
func typedTrustSet(description string, element validator.String) schema.SetAttribute {
	return schema.SetAttribute{
		ElementType:         types.StringType,
		Optional:            true,
		Computed:            true,
		MarkdownDescription: description + typedTrust,
		Validators:          nonEmptySetOf(element),
	}
}

func (r *crossAccountRoleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
		MarkdownDescription: "A RAM role in the account of this provider block (enterprise A) that other Alibaba Cloud " +
			"accounts or their RAM users and roles (enterprise B) may assume with STS `AssumeRole`.\n\n" +
			"Trust is given either by typed arguments (`trusted_account_ids`, `trusted_principal_arns` plus the " +
			"optional conditions `external_id`, `require_mfa`, `allowed_source_ips`, `valid_until`), from which the " +
			"provider builds the trust policy at plan time so the plan shows the exact document RAM receives, or by a " +
			"raw `assume_role_policy`. Trust, description, session duration and tag changes are applied in place; " +
			"only a new `name` replaces the role.\n\n" +
			"Destroying the role ends every STS session issued for it: their calls fail from then on. A trust change " +
			"(narrowing it, `valid_until` passing) only refuses new sessions.\n\n" + markerDoc("role"),
		Attributes: roleAttributes("", "the `RoleArn` that callers pass to STS `AssumeRole`.", "", map[string]schema.Attribute{
			"trusted_account_ids": typedTrustSet("IDs (16 digits) of the Alibaba Cloud accounts whose RAM users and roles may assume "+
				"this role, each as principal `acs:ram::<id>:root`. The trusted account still decides which of its "+
				"users get `AliyunSTSAssumeRoleAccess`. ", policy.AccountIDValidator()),
			"trusted_principal_arns": typedTrustSet("ARNs of individual RAM users or roles of other accounts allowed to assume this role "+
				"(`acs:ram::<account id>:user/<name>` or `acs:ram::<account id>:role/<name>`): narrower trust than a "+
				"whole account. ", policy.PrincipalARNValidator()),
			"external_id": schema.StringAttribute{
				Optional:  true,
				Computed:  true, // see planTypedTrust
				Sensitive: true,
				MarkdownDescription: "External ID the caller must pass to `AssumeRole` (condition `StringEquals " +
					"sts:ExternalId`): 2–1224 characters, letters, digits and `_+=,.@:/-`. It guards against the " +
					"confused-deputy problem; note that RAM stores it in clear text in the trust policy, so it also " +
					"appears in `assume_role_policy`. " + typedTrust,
				Validators: []validator.String{policy.ExternalIDValidator()},
			},
			"require_mfa": schema.BoolAttribute{
				Optional: true,
				Computed: true, // see planTypedTrust
				MarkdownDescription: "When true, only callers that signed in with MFA may assume the role (condition " +
					"`Bool acs:MFAPresent \"true\"`). " + typedTrust,
			},
			"allowed_source_ips": typedTrustSet("IP addresses or CIDR blocks (for example `203.0.113.0/24`) the `AssumeRole` call "+
				"must come from (condition `IpAddress acs:SourceIp`). ", policy.IPOrCIDRValidator()),
			"valid_until": schema.StringAttribute{
				Optional: true,
				Computed: true, // see planTypedTrust
				MarkdownDescription: "RFC 3339 time (for example `2027-06-30T23:59:59Z`) after which nobody can assume " +
					"the role any more, even if nobody runs destroy: the end of the contract (condition " +
					"`DateLessThan acs:CurrentTime`). Sessions already issued run until they expire. " + typedTrust,
				Validators: []validator.String{policy.ValidUntilValidator()},
			},
			"assume_role_policy": schema.StringAttribute{
				CustomType: policy.DocumentType{},
				Optional:   true,
				Computed:   true,
				MarkdownDescription: "The trust policy (JSON). Set it only for trust the typed arguments cannot express; " +
					"it conflicts with them. Otherwise it is computed from the typed arguments at plan time. Always " +
					"holds the effective document; semantically equal documents (`\"sts:AssumeRole\"` vs " +
					"`[\"sts:AssumeRole\"]`, principal order, key order, whitespace) never show a diff, and a change " +
					"made outside Terraform does.",
				Validators: []validator.String{policy.TrustPolicyValidator()},
			},
			"force_detach_policies": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, detach every policy still attached to the role, including ones " +
					"attached outside Terraform, so that revocation cannot be blocked. When false (the default), " +
					"destroying a role that still has policies fails with a message naming them.",
			},
		}),
	}
}

func (r *crossAccountRoleResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	raw := path.MatchRoot("assume_role_policy")
	v := []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(raw, path.MatchRoot("trusted_account_ids"), path.MatchRoot("trusted_principal_arns")),
	}
	for _, typed := range []string{"trusted_account_ids", "trusted_principal_arns", "external_id", "require_mfa", "allowed_source_ips", "valid_until"} {
		v = append(v, resourcevalidator.Conflicting(raw, path.MatchRoot(typed)))
	}
	return v
}

// ModifyPlan computes assume_role_policy from the typed trust arguments, so the plan shows the exact
// document RAM will get, keeping the prior spelling when it is semantically the same, and the id and arn.
func (r *crossAccountRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Flags widened access (widened trust or session length) in the plan: plan_warnings.go.
	defer warnRoleWidening(ctx, r.client, req, resp)
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var config policy.DocumentValue
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("assume_role_policy"), &config)...)
	planTypedTrust(ctx, req, resp) // cross_account_role_typed_plan.go
	var plan crossAccountRoleModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// What is a function of the name and the account is known at plan (plan_known.go): the id is the name,
	// the arn the account's role of that name (also for the new role of a replacement).
	if !plan.Name.IsUnknown() {
		if plan.ID.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.Name)...)
		}
		if plan.ARN.IsUnknown() {
			if account, ok := planAccountID(ctx, r.client, path.Root("arn"), &resp.Diagnostics); ok {
				resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("arn"), policy.RoleARN(account, plan.Name.ValueString()))...)
			}
		}
	}
	if !plan.ValidUntil.IsNull() && !plan.ValidUntil.IsUnknown() {
		if t, err := policy.ParseValidUntil(plan.ValidUntil.ValueString()); err == nil && !t.After(time.Now()) {
			resp.Diagnostics.AddAttributeWarning(path.Root("valid_until"), "valid_until is in the past",
				fmt.Sprintf("%s has passed: STS will refuse every AssumeRole call for this role. Extend valid_until if the delegation should continue.", plan.ValidUntil.ValueString()))
		}
	}
	if !config.IsNull() {
		return // raw document: the plan already carries it
	}
	spec, known, diags := trustSpecFromModel(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !known {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("assume_role_policy"), policy.NewDocumentUnknown())...)
		return
	}
	doc, err := policy.BuildTrustPolicy(spec)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the trust policy", err.Error()+"\n\nCorrect the typed trust arguments.")
		return
	}
	value := policy.NewDocumentValue(doc)
	if !req.State.Raw.IsNull() {
		var prior policy.DocumentValue
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("assume_role_policy"), &prior)...)
		if !prior.IsNull() && !prior.IsUnknown() && policy.Equal(prior.ValueString(), doc) {
			value = prior
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("assume_role_policy"), value)...)
}

// trustSpecFromModel reads the typed trust arguments; known is false while any of them is unknown.
func trustSpecFromModel(ctx context.Context, m crossAccountRoleModel) (spec policy.TrustSpec, known bool, diags diag.Diagnostics) {
	for _, v := range []attr.Value{m.TrustedAccountIDs, m.TrustedPrincipalARNs, m.ExternalID, m.RequireMFA, m.AllowedSourceIPs, m.ValidUntil} {
		if v.IsUnknown() {
			return spec, false, nil
		}
	}
	for _, s := range []struct {
		set types.Set
		dst *[]string
	}{{m.TrustedAccountIDs, &spec.AccountIDs}, {m.TrustedPrincipalARNs, &spec.PrincipalARNs}, {m.AllowedSourceIPs, &spec.SourceIPs}} {
		if s.set.IsNull() {
			continue
		}
		var elems []types.String
		diags.Append(s.set.ElementsAs(ctx, &elems, false)...)
		for _, e := range elems {
			if e.IsUnknown() {
				return spec, false, diags
			}
			*s.dst = append(*s.dst, e.ValueString())
		}
	}
	spec.ExternalID = m.ExternalID.ValueString()
	spec.RequireMFA = m.RequireMFA.ValueBool()
	spec.ValidUntil = m.ValidUntil.ValueString()
	return spec, true, diags
}

// trustSpecFromDocument recovers the typed arguments from a trust document, if BuildTrustPolicy of them
// gives the same document (so nothing is lost); ok is false for any other document. Services are recovered
// too: aliram_delegated_role has them, aliram_cross_account_role does not.
func trustSpecFromDocument(doc string) (spec policy.TrustSpec, ok bool) {
	canonical, err := policy.Normalize(doc)
	if err != nil {
		return spec, false
	}
	var d struct {
		Statement []struct {
			Effect    string
			Principal map[string][]string
			Condition map[string]map[string][]string
		}
	}
	if json.Unmarshal([]byte(canonical), &d) != nil || len(d.Statement) != 1 {
		return spec, false
	}
	st := d.Statement[0]
	spec.Services = st.Principal["Service"]
	for _, p := range st.Principal["RAM"] {
		if id, found := strings.CutSuffix(strings.TrimPrefix(p, "acs:ram::"), ":root"); found && strings.HasPrefix(p, "acs:ram::") {
			spec.AccountIDs = append(spec.AccountIDs, id)
		} else {
			spec.PrincipalARNs = append(spec.PrincipalARNs, p)
		}
	}
	one := func(v []string) string {
		if len(v) == 1 {
			return v[0]
		}
		return ""
	}
	spec.ExternalID = one(st.Condition["StringEquals"]["sts:ExternalId"])
	spec.RequireMFA = one(st.Condition["Bool"]["acs:MFAPresent"]) == "true"
	spec.SourceIPs = st.Condition["IpAddress"]["acs:SourceIp"]
	spec.ValidUntil = one(st.Condition["DateLessThan"]["acs:CurrentTime"])
	rebuilt, err := policy.BuildTrustPolicy(spec)
	if err != nil || !policy.Equal(rebuilt, doc) {
		return spec, false
	}
	return spec, true
}

// setTypedTrust writes a recovered spec into the typed arguments (absent ones stay null, as in a config).
func setTypedTrust(ctx context.Context, m *crossAccountRoleModel, spec policy.TrustSpec) diag.Diagnostics {
	var diags diag.Diagnostics
	set := func(values []string) types.Set {
		if len(values) == 0 {
			return types.SetNull(types.StringType)
		}
		v, d := types.SetValueFrom(ctx, types.StringType, values)
		diags.Append(d...)
		return v
	}
	m.TrustedAccountIDs = set(spec.AccountIDs)
	m.TrustedPrincipalARNs = set(spec.PrincipalARNs)
	m.AllowedSourceIPs = set(spec.SourceIPs)
	m.ExternalID = optionalString(spec.ExternalID)
	m.ValidUntil = optionalString(spec.ValidUntil)
	m.RequireMFA = types.BoolNull()
	if spec.RequireMFA {
		m.RequireMFA = types.BoolValue(true)
	}
	return diags
}

// effectiveTrustPolicy is the document to send: the planned one, or (when it was unknown at plan time
// because a typed argument came from another resource) the one built now.
func effectiveTrustPolicy(ctx context.Context, m crossAccountRoleModel) (policy.DocumentValue, diag.Diagnostics) {
	if !m.AssumeRolePolicy.IsUnknown() && !m.AssumeRolePolicy.IsNull() {
		return m.AssumeRolePolicy, nil
	}
	spec, known, diags := trustSpecFromModel(ctx, m)
	if diags.HasError() {
		return m.AssumeRolePolicy, diags
	}
	if !known {
		diags.AddError("Trust arguments still unknown", "The typed trust arguments are unknown at apply time. This is a bug in the provider; please report it.")
		return m.AssumeRolePolicy, diags
	}
	doc, err := policy.BuildTrustPolicy(spec)
	if err != nil {
		diags.AddError("Cannot build the trust policy", err.Error()+"\n\nCorrect the typed trust arguments.")
		return m.AssumeRolePolicy, diags
	}
	return policy.NewDocumentValue(doc), diags
}

func (r *crossAccountRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan crossAccountRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	name := plan.Name.ValueString()
	doc, diags := effectiveTrustPolicy(ctx, plan)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	// Tags and the marker go with CreateRole itself: no later tagging step can fail and leave the role
	// half-made (a role tainted for its tags would be replaced, ending every session of it).
	tags := mapOfStrings(plan.Tags)
	in := ramclient.CreateRoleInput{
		Name:               name,
		TrustPolicy:        doc.ValueString(),
		Description:        plan.Description.ValueString(),
		MaxSessionDuration: plan.MaxSessionDuration.ValueInt64(),
		Tags:               tags,
	}
	in.Marker = ramclient.Marker{Owner: "aliram_cross_account_role", Config: []string{
		in.TrustPolicy, in.Description, strconv.FormatInt(in.MaxSessionDuration, 10), ramclient.TagsConfig(tags)}}
	role := createRole(ctx, r.client, in, "aliram_cross_account_role", resp.Private, &resp.Diagnostics)
	if role == nil {
		return
	}

	state := plan
	if plan.ID.IsUnknown() {
		state.ID = types.StringValue(role.Name)
	}
	state.Name = plan.Name
	state.AssumeRolePolicy = doc
	if plan.ARN.IsUnknown() { // else the plan's, built from the same name and account
		state.ARN = types.StringValue(role.ARN)
	}
	state.RoleID = types.StringValue(role.ID)
	state.CreateDate = types.StringValue(role.CreateDate)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
}

// createRole creates the role in asks for and records when (RAM may not show it to the next command yet).
// A role adopted instead (made by an interrupted apply of this configuration, or by this call's attempt whose
// answer was lost: the marker shows it was created with these very arguments) has anything changed since set
// back. It returns nil when it failed, with the error in diags.
func createRole(ctx context.Context, c *ramclient.Client, in ramclient.CreateRoleInput, resourceType string, p privateStore, diags *diag.Diagnostics) *ramclient.Role {
	role, err := c.CreateRole(ctx, in)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Creating RAM role %q", in.Name), err,
			createConflictHint(err, resourceType, "role", in.Name))
		return nil
	}
	diags.Append(markCreatedNow(ctx, p, "role")...)
	if role.Adopted {
		tflog.Info(ctx, "adopted the RAM role an earlier, interrupted create made", map[string]any{"role_name": in.Name})
		if err := convergeAdoptedRole(ctx, c, in, role); err != nil {
			addAPIError(diags, fmt.Sprintf("Updating adopted RAM role %q", in.Name), err, "")
			return nil
		}
	}
	return role
}

// convergeAdoptedRole makes an adopted role what in asks for, where someone changed it after its creation.
func convergeAdoptedRole(ctx context.Context, c *ramclient.Client, in ramclient.CreateRoleInput, role *ramclient.Role) error {
	up := ramclient.UpdateRoleInput{Name: in.Name}
	changed := false
	if !policy.Equal(role.TrustPolicy, in.TrustPolicy) {
		up.TrustPolicy, changed = &in.TrustPolicy, true
	}
	if role.Description != in.Description {
		up.Description, changed = &in.Description, true
	}
	if in.MaxSessionDuration > 0 && role.MaxSessionDuration != in.MaxSessionDuration {
		up.MaxSessionDuration, changed = &in.MaxSessionDuration, true
	}
	if changed {
		if _, err := c.UpdateRole(ctx, up); err != nil {
			return err
		}
	}
	return moveTags(ctx, c, "role", in.Name, role.Tags, in.Tags)
}

func (r *crossAccountRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state crossAccountRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	name := state.ID.ValueString()
	// Created by the previous command (e.g. the apply before this plan): RAM may not show it yet.
	recent, diags := announceRecentCreates(ctx, r.client, req.Private, func(string) []ramclient.Entity {
		return []ramclient.Entity{ramclient.RoleEntity(name)}
	})
	resp.Diagnostics.Append(diags...)
	role, err := r.client.GetRole(ctx, name)
	if !readFound(ctx, r.client, resp, fmt.Sprintf("RAM role %q", name), name, err) {
		return
	}
	state.Name = nameAsInRAM(state.Name, role.Name)
	state.AssumeRolePolicy = documentAsInRAM(state.AssumeRolePolicy, role.TrustPolicy)
	state.Description = optionalString(role.Description)
	state.MaxSessionDuration = types.Int64Value(role.MaxSessionDuration)
	state.ARN = types.StringValue(role.ARN)
	state.RoleID = types.StringValue(role.ID)
	state.CreateDate = types.StringValue(role.CreateDate)
	if state.ForceDetachPolicies.IsNull() {
		state.ForceDetachPolicies = types.BoolValue(false)
	}
	importing, diags := req.Private.GetKey(ctx, importingKey)
	resp.Diagnostics.Append(diags...)
	if importing != nil {
		// A document the typed arguments can express is imported as them, so a typed configuration plans
		// no change after import; anything else stays a raw assume_role_policy.
		if spec, ok := trustSpecFromDocument(role.TrustPolicy); ok && len(spec.Services) == 0 {
			resp.Diagnostics.Append(setTypedTrust(ctx, &state, spec)...)
		}
	}
	finishTaggedRead(ctx, r.client, resp, "role", name, importing != nil, recent, &state, &state.Tags)
}

func (r *crossAccountRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, ok := updatePlanAndState[crossAccountRoleModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	doc, diags := effectiveTrustPolicy(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.ID.ValueString()

	// Only what really changed is sent: a reformatted but equivalent document costs no API call.
	in := ramclient.UpdateRoleInput{Name: name}
	changed := false
	if !policy.Equal(doc.ValueString(), state.AssumeRolePolicy.ValueString()) {
		s := doc.ValueString()
		in.TrustPolicy, changed = &s, true
	}
	if !plan.Description.Equal(state.Description) {
		s := plan.Description.ValueString() // "" for a removed description: RAM clears it
		in.Description, changed = &s, true
	}
	if !plan.MaxSessionDuration.Equal(state.MaxSessionDuration) {
		d := plan.MaxSessionDuration.ValueInt64()
		in.MaxSessionDuration, changed = &d, true
	}

	next := plan
	next.ID, next.ARN, next.RoleID, next.CreateDate = state.ID, state.ARN, state.RoleID, state.CreateDate
	next.AssumeRolePolicy = doc
	if changed {
		if _, err := r.client.UpdateRole(ctx, in); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating RAM role %q", name), err, "")
			return
		}
	}
	if !plan.Tags.Equal(state.Tags) {
		if err := applyTags(ctx, r.client, "role", name, state.Tags, plan.Tags); err != nil {
			// The role itself was updated: record that, with the old tags, so the next plan retries only the tags.
			next.Tags = state.Tags
			resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating the tags of RAM role %q", name), err, "")
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
}

func (r *crossAccountRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state crossAccountRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	// The client waits out RAM's stale view after a detach and, with force, detaches again what a concurrent
	// attach added; what it reports is final.
	name := state.ID.ValueString()
	err := r.client.DeleteRoleWith(ctx, name, ramclient.DeleteRoleOptions{DetachPolicies: state.ForceDetachPolicies.ValueBool()})
	addDeleteError(&resp.Diagnostics, fmt.Sprintf("Deleting RAM role %q", name), err, roleStillAttached(err),
		"RAM kept reporting attached policies although none are listed. Run destroy again in a minute.")
}

// roleStillAttached says what to do when the delete found policies attached to the role; "" otherwise.
func roleStillAttached(err error) string {
	var attached *ramclient.RoleHasPoliciesError
	if !errors.As(err, &attached) {
		return ""
	}
	return fmt.Sprintf("The role still has policies attached: %s.\n\nSet force_detach_policies = true on this role "+
		"to detach them on destroy (apply that change first), or remove the attachments (for example the "+
		"aliram_role_policy_attachment resources, or in the RAM console for ones made outside Terraform), "+
		"then destroy again.", describeAttached(attached.Policies))
}

func describeAttached(attached []ramclient.AttachedPolicy) string {
	names := make([]string, 0, len(attached))
	for _, p := range attached {
		names = append(names, fmt.Sprintf("%s (%s)", p.Name, p.Type))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
