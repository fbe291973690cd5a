package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// aliram_role_policy_attachments_exclusive: "this role holds exactly these policies". Read shows every policy
// attached to the role, so one attached outside Terraform is a diff in the plan, and apply detaches it.
//
// Compared with the AWS provider's aws_iam_role_policy_attachments_exclusive, which it is modelled on:
//   - the policies are two sets of names, one per policy type, so a plan shows one line per policy
//     (`- "AdministratorAccess"`) and a warning naming what apply will detach;
//   - a conflicting aliram_role_policy_attachment of the same role (one the exclusive set leaves out, which
//     the two resources would detach and attach in turn forever) is refused at plan, and an attachment both
//     make in one apply is not reported as "already attached";
//   - destroy detaches the policies this resource itself attached, and only those: it leaves none behind that
//     nothing manages (which would block the role's deletion), and it does not take away what an
//     aliram_role_policy_attachment holds when only the exclusive resource is removed;
//   - the refresh reuses the role's coalesced ListPoliciesForRole: no API call of its own.

var _ managedResource = (*rolePolicyAttachmentsExclusiveResource)(nil)

// privateKeyAttachedPolicies lists, in private state, the policies this resource attached itself
// (["System/AliyunKafkaFullAccess", ...]): what its destroy detaches.
const privateKeyAttachedPolicies = "attached_policies"

// createdPartAttachment prefixes the created_at part of an attachment this resource made ("attachment:System/P").
const createdPartAttachment = "attachment:"

func NewRolePolicyAttachmentsExclusiveResource() resource.Resource {
	return &rolePolicyAttachmentsExclusiveResource{resourceWithClient{typeName: "aliram_role_policy_attachments_exclusive"}}
}

type rolePolicyAttachmentsExclusiveResource struct {
	resourceWithClient
}

type rolePolicyAttachmentsExclusiveModel struct {
	ID             types.String `tfsdk:"id"`
	RoleName       types.String `tfsdk:"role_name"`
	SystemPolicies types.Set    `tfsdk:"system_policies"`
	CustomPolicies types.Set    `tfsdk:"custom_policies"`

	Timeouts timeouts.Value `tfsdk:"timeouts"` // the operations' time budgets
}

func (r *rolePolicyAttachmentsExclusiveResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	names := func(kind, example string) schema.SetAttribute {
		return schema.SetAttribute{
			ElementType: types.StringType,
			Optional:    true, Computed: true,
			Default: setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
			MarkdownDescription: fmt.Sprintf("Names of the %s policies the role holds, for example `%s`. "+
				"Every %s policy attached to the role and not named here is shown in the plan and detached by "+
				"apply; one named here and not attached is attached. Names are compared without regard to case, "+
				"as RAM does. Defaults to none.", kind, example, kind),
			Validators: []validator.Set{
				setvalidator.ValueStringsAre(policy.PolicyNameValidator()),
				distinctIgnoringCase{"names must differ other than in case"},
			},
		}
	}
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
		MarkdownDescription: "Makes a RAM role (typically an `aliram_cross_account_role`) hold **exactly** the " +
			"listed policies. A policy attached outside Terraform, `AdministratorAccess` attached by hand for " +
			"example, shows in the next plan as removed from `system_policies` or `custom_policies` (with a " +
			"warning naming it), and apply detaches it.\n\n" +
			"It works beside `aliram_role_policy_attachment`: every attachment resource of the same role must be " +
			"listed here (refer to it, as the example does); a plan that would have the two fight over a policy " +
			"fails and names it. Refreshing it costs no API call of its own: it shares the role's " +
			"`ListPoliciesForRole` with the attachment resources.\n\n" +
			"Destroying it detaches the policies it attached itself (those no attachment resource had attached " +
			"before it), and nothing else: what an `aliram_role_policy_attachment` holds stays with that resource, " +
			"and no policy is left on the role that nothing manages. After an import it has attached nothing.",
		Attributes: map[string]schema.Attribute{
			"id": stableComputedString("The role name, also the import ID."),
			"role_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the role. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{policy.RoleNameValidator()},
			},
			"system_policies": names(policyTypeSystem, "AliyunKafkaFullAccess"),
			"custom_policies": names(policyTypeCustom, "kafka-orders-rw"),
		},
	}
}

// policyRef is a policy by type and name; RAM compares both without regard to case.
type policyRef struct{ Type, Name string }

func (p policyRef) key() string    { return strings.ToLower(p.Type + "/" + p.Name) }
func (p policyRef) String() string { return p.Type + "/" + p.Name }

func parsePolicyRef(s string) (policyRef, bool) {
	t, n, ok := strings.Cut(s, "/")
	return policyRef{Type: t, Name: n}, ok && n != ""
}

// wanted lists the policies the model names, System first, each set sorted.
func (m rolePolicyAttachmentsExclusiveModel) wanted(ctx context.Context, diags *diag.Diagnostics) []policyRef {
	var out []policyRef
	for _, s := range []struct {
		typ string
		set types.Set
	}{{policyTypeSystem, m.SystemPolicies}, {policyTypeCustom, m.CustomPolicies}} {
		names, d := stringSet(ctx, s.set)
		diags.Append(d...)
		for _, n := range names {
			out = append(out, policyRef{Type: s.typ, Name: n})
		}
	}
	return out
}

func (r *rolePolicyAttachmentsExclusiveResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Flags widened access (a privileged system policy) in the plan: plan_warnings.go.
	defer warnPrivilegedExclusive(ctx, r.client, req, resp)
	if req.Plan.Raw.IsNull() { // destroy
		return
	}
	var plan rolePolicyAttachmentsExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !resp.Diagnostics.HasError() && plan.ID.IsUnknown() && !plan.RoleName.IsUnknown() { // the role name: known at plan
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.RoleName)...)
	}
	if resp.Diagnostics.HasError() || r.client == nil || plan.RoleName.IsUnknown() || !setFullyKnown(plan.SystemPolicies) || !setFullyKnown(plan.CustomPolicies) {
		return // an unconfigured provider, or a set not known yet
	}
	role := plan.RoleName.ValueString()
	want := plan.wanted(ctx, &resp.Diagnostics)
	claims := claimsOf(r.client)
	if other := claims.planExclusive(role, want); other != nil {
		resp.Diagnostics.AddError("Two exclusive policy sets for one role",
			fmt.Sprintf("Another aliram_role_policy_attachments_exclusive of this configuration manages RAM role %q "+
				"(with %s). Each would detach what the other attaches: keep one per role.", role, refList(other)))
		return
	}
	if missing := claims.attachmentsMissingFrom(role, want); len(missing) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root(attrFor(missing[0])), "Attachment left out of the exclusive set",
			exclusiveConflictDetail(role, missing))
	}
	if req.State.Raw.IsNull() {
		return
	}
	var state rolePolicyAttachmentsExclusiveModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if extra := subtract(state.wanted(ctx, &resp.Diagnostics), want); len(extra) > 0 {
		// The diff shows it too; the warning makes sure a reviewer reads it as privilege being taken away.
		what := fmt.Sprintf("%d policies", len(extra))
		if len(extra) == 1 {
			what = "a policy"
		}
		resp.Diagnostics.AddWarning(fmt.Sprintf("Apply detaches %s from RAM role %q", what, role),
			fmt.Sprintf("RAM role %q holds %s, which this configuration does not grant (attached outside "+
				"Terraform, or removed from the configuration). Apply detaches them.", role, refList(extra)))
	}
}

func (r *rolePolicyAttachmentsExclusiveResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, true, req.Plan, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics)
}

func (r *rolePolicyAttachmentsExclusiveResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, false, req.Plan, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics)
}

// write is Create (create) and Update: the planned policies synced to the role within the operation's
// timeout, and the plan saved as the state with its identity.
func (r *rolePolicyAttachmentsExclusiveResource) write(ctx context.Context, create bool, planned tfsdk.Plan, state *tfsdk.State,
	identity *tfsdk.ResourceIdentity, private privateStore, diags *diag.Diagnostics) {
	var plan rolePolicyAttachmentsExclusiveModel
	diags.Append(planned.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	budget, def := plan.Timeouts.Update, defaultUpdateTimeout
	if create {
		budget, def = plan.Timeouts.Create, defaultCreateTimeout
	}
	ctx, cancel := withTimeout(ctx, budget, def, diags)
	defer cancel()
	plan.ID = plan.RoleName
	save := func() bool {
		diags.Append(state.Set(ctx, &plan)...)
		setRoleNameIdentity(ctx, r.client, identity, plan.RoleName.ValueString(), diags)
		return !diags.HasError()
	}
	// A create saves before any change: if the sync fails halfway, what it attached is recorded and
	// destroyable. An update saves once the sync succeeded.
	if create && !save() {
		return
	}
	r.sync(ctx, plan, private, diags)
	if !create && !diags.HasError() {
		save()
	}
}

// sync makes the role hold exactly the planned policies: it detaches the others first (a failure halfway then
// leaves the role with less privilege, not more), then attaches what is missing, recording what it attached.
func (r *rolePolicyAttachmentsExclusiveResource) sync(ctx context.Context, plan rolePolicyAttachmentsExclusiveModel, private privateStore, diags *diag.Diagnostics) {
	role := plan.RoleName.ValueString()
	want := plan.wanted(ctx, diags)
	if diags.HasError() {
		return
	}
	attached, err := r.client.ListPoliciesForRole(ctx, role)
	if err != nil {
		hint := ""
		if ramclient.IsRoleNotFound(err) {
			hint = fmt.Sprintf("Role %q does not exist in this account. Check role_name and that this resource uses the same provider block as the role.", role)
		}
		addAPIError(diags, fmt.Sprintf("Reading the policies of RAM role %q", role), err, hint)
		return
	}
	have := make([]policyRef, 0, len(attached))
	for _, p := range attached {
		have = append(have, policyRef{Type: p.Type, Name: p.Name})
	}
	owned, d := getAttachedPolicies(ctx, private)
	diags.Append(d...)
	claims := claimsOf(r.client)
	extra, missing := subtract(have, want), subtract(want, have)
	if conflict := claims.attachedByAttachmentResource(role, extra); len(conflict) > 0 {
		diags.AddError(fmt.Sprintf("Not detaching policies from RAM role %q", role), exclusiveConflictDetail(role, conflict))
		return
	}
	defer func() { diags.Append(setAttachedPolicies(ctx, private, owned)...) }()
	for _, p := range extra {
		err := r.client.DetachPolicyFromRole(ctx, role, p.Type, p.Name)
		if err != nil && !ramclient.IsNotFound(err) {
			addAPIError(diags, fmt.Sprintf("Detaching %s policy %q from RAM role %q", p.Type, p.Name, role), err, "")
			return
		}
		delete(owned, p.key())
		tflog.Info(ctx, "detached a policy the exclusive set does not list", map[string]any{"role_name": role, "policy": p.String()})
	}
	var created []string
	for _, p := range missing {
		err := r.client.AttachPolicyToRole(ctx, role, p.Type, p.Name)
		if err != nil && !ramclient.IsAlreadyExists(err) { // attached meanwhile: the goal is reached
			hint := ""
			if ramclient.IsPolicyNotFound(err) {
				hint = fmt.Sprintf("There is no %s policy named %q. Check the name and the set it is in (system_policies for Alibaba Cloud's policies, custom_policies for this account's own).", p.Type, p.Name)
			}
			addAPIError(diags, fmt.Sprintf("Attaching %s policy %q to RAM role %q", p.Type, p.Name, role), err, hint)
			break
		}
		if err == nil {
			owned[p.key()] = p
			claims.attachedByExclusive(role, p)
			created = append(created, createdPartAttachment+p.String())
		}
	}
	if len(created) > 0 {
		diags.Append(markCreatedNow(ctx, private, created...)...)
	}
}

func (r *rolePolicyAttachmentsExclusiveResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state rolePolicyAttachmentsExclusiveModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	role := state.RoleName.ValueString()
	// Attached by the previous command: RAM may not list them yet.
	recent, diags := announceRecentCreates(ctx, r.client, req.Private, func(part string) []ramclient.Entity {
		if p, ok := parsePolicyRef(strings.TrimPrefix(part, createdPartAttachment)); ok && strings.HasPrefix(part, createdPartAttachment) {
			return []ramclient.Entity{ramclient.RoleAttachmentEntity(role, p.Type, p.Name)}
		}
		return nil
	})
	resp.Diagnostics.Append(diags...)
	// Coalesced in the client with the role's aliram_role_policy_attachment reads: no call of its own.
	attached, err := r.client.ListPoliciesForRole(ctx, role)
	if ramclient.IsNotFound(err) {
		notFoundWarning(&resp.Diagnostics, fmt.Sprintf("RAM role %q of an exclusive policy set", role))
		setRoleNameIdentity(ctx, r.client, resp.Identity, role, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Reading the policies of RAM role %q", role), err, "")
		return
	}
	// What RAM lists, in the spelling of the state where only the case differs (RAM ignores case).
	spelling := map[string]string{}
	for _, p := range state.wanted(ctx, &resp.Diagnostics) {
		spelling[p.key()] = p.Name
	}
	byType := map[string][]attr.Value{policyTypeSystem: {}, policyTypeCustom: {}}
	for _, p := range attached {
		typ := policyTypeCustom
		if strings.EqualFold(p.Type, policyTypeSystem) {
			typ = policyTypeSystem
		}
		name := p.Name
		if s, ok := spelling[policyRef{Type: typ, Name: p.Name}.key()]; ok {
			name = s
		}
		byType[typ] = append(byType[typ], types.StringValue(name))
	}
	var d diag.Diagnostics
	state.SystemPolicies, d = types.SetValue(types.StringType, byType[policyTypeSystem])
	resp.Diagnostics.Append(d...)
	state.CustomPolicies, d = types.SetValue(types.StringType, byType[policyTypeCustom])
	resp.Diagnostics.Append(d...)
	state.ID = types.StringValue(role)
	if recent {
		resp.Diagnostics.Append(clearCreatedAt(ctx, resp.Private)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setRoleNameIdentity(ctx, r.client, resp.Identity, role, &resp.Diagnostics)
}

// Delete detaches what this resource attached itself (see the resource's description for why only that).
func (r *rolePolicyAttachmentsExclusiveResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state rolePolicyAttachmentsExclusiveModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	owned, d := getAttachedPolicies(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	role := state.RoleName.ValueString()
	for _, p := range sortedRefs(owned) {
		err := r.client.DetachPolicyFromRole(ctx, role, p.Type, p.Name)
		if err != nil && !ramclient.IsNotFound(err) { // role, policy or attachment already gone: done
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Detaching %s policy %q from RAM role %q", p.Type, p.Name, role), err, "")
			return
		}
	}
}

// ---- helpers ----

// subtract returns the policies of a that b does not name, in a's order.
func subtract(a, b []policyRef) []policyRef {
	in := make(map[string]bool, len(b))
	for _, p := range b {
		in[p.key()] = true
	}
	var out []policyRef
	for _, p := range a {
		if !in[p.key()] {
			out = append(out, p)
		}
	}
	return out
}

func sortedRefs(m map[string]policyRef) []policyRef {
	out := make([]policyRef, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// refList names policies for a diagnostic: `System policy "AdministratorAccess"` joined with commas.
func refList(ps []policyRef) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("%s policy %q", p.Type, p.Name)
	}
	return strings.Join(parts, ", ")
}

// attrFor is the attribute of the exclusive resource that lists a policy of p's type.
func attrFor(p policyRef) string {
	if strings.EqualFold(p.Type, policyTypeSystem) {
		return "system_policies"
	}
	return "custom_policies"
}

func exclusiveConflictDetail(role string, ps []policyRef) string {
	return fmt.Sprintf("An aliram_role_policy_attachment of this configuration attaches %s to RAM role %q, but the "+
		"role's aliram_role_policy_attachments_exclusive does not list it: every apply would detach what the other "+
		"attaches. Add it to the exclusive resource's system_policies or custom_policies (for example by referring "+
		"to the attachment resource's policy_name), or remove the attachment resource.", refList(ps), role)
}

func getAttachedPolicies(ctx context.Context, p privateGetter) (map[string]policyRef, diag.Diagnostics) {
	out := map[string]policyRef{}
	if p == nil {
		return out, nil
	}
	raw, diags := p.GetKey(ctx, privateKeyAttachedPolicies)
	var list []string
	if len(raw) > 0 && json.Unmarshal(raw, &list) == nil {
		for _, s := range list {
			if ref, ok := parsePolicyRef(s); ok {
				out[ref.key()] = ref
			}
		}
	}
	return out, diags
}

func setAttachedPolicies(ctx context.Context, p privateSetter, owned map[string]policyRef) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if len(owned) == 0 {
		return p.SetKey(ctx, privateKeyAttachedPolicies, nil)
	}
	list := make([]string, 0, len(owned))
	for _, ref := range sortedRefs(owned) {
		list = append(list, ref.String())
	}
	raw, _ := json.Marshal(list)
	return p.SetKey(ctx, privateKeyAttachedPolicies, raw)
}

// distinctIgnoringCase refuses a set naming one policy twice in different case: RAM would see one policy.
type distinctIgnoringCase struct{ describedAs }

func (distinctIgnoringCase) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[string]string{}
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		k := strings.ToLower(s.ValueString())
		if prev, dup := seen[k]; dup {
			resp.Diagnostics.AddAttributeError(req.Path, "Policy named twice",
				fmt.Sprintf("%q and %q name the same policy: RAM compares policy names without regard to case.", prev, s.ValueString()))
			return
		}
		seen[k] = s.ValueString()
	}
}
