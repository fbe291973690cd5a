package resources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

var _ managedResource = (*rolePolicyAttachmentResource)(nil)

func NewRolePolicyAttachmentResource() resource.Resource {
	return &rolePolicyAttachmentResource{resourceWithClient{typeName: "aliram_role_policy_attachment"}}
}

type rolePolicyAttachmentResource struct {
	resourceWithClient
}

type rolePolicyAttachmentModel struct {
	ID         types.String `tfsdk:"id"`
	RoleName   types.String `tfsdk:"role_name"`
	PolicyName types.String `tfsdk:"policy_name"`
	PolicyType types.String `tfsdk:"policy_type"`

	Timeouts timeouts.Value `tfsdk:"timeouts"` // the operations' time budgets
}

func (r *rolePolicyAttachmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, false)},
		MarkdownDescription: "Attaches one system or custom permission policy to a RAM role (typically an " +
			"`aliram_cross_account_role`), granting what the trusted account may do after `AssumeRole`.\n\n" +
			"All attachments of one role are refreshed with a single `ListPoliciesForRole` call. An attachment " +
			"removed outside Terraform is dropped from the state and planned again; destroying one that is already " +
			"gone succeeds.\n\n" +
			"An attachment is a fact, not an entity with an owner: when the policy is already attached (by an " +
			"apply that was interrupted before it saved the state, or outside Terraform), creating this resource " +
			"takes that attachment over, and destroying it detaches the policy.",
		Attributes: map[string]schema.Attribute{
			"id": stableComputedString("`<role_name>:<policy_type>:<policy_name>`, also the import ID."),
			"role_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the role. Changing it replaces the attachment.",
				PlanModifiers:       replace,
				Validators:          []validator.String{policy.RoleNameValidator()},
			},
			"policy_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the policy, for example `AliyunKafkaFullAccess` or the `name` of an " +
					"`aliram_policy`. Changing it replaces the attachment.",
				PlanModifiers: replace,
				Validators:    []validator.String{policy.PolicyNameValidator()},
			},
			"policy_type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "`System` for a policy managed by Alibaba Cloud, `Custom` for one of this account. " +
					"Changing it replaces the attachment.",
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.OneOf("System", "Custom")},
			},
		},
	}
}

// parts are the role name, policy type and policy name of the attachment.
func (m rolePolicyAttachmentModel) parts() (role, policyType, policyName string) {
	return m.RoleName.ValueString(), m.PolicyType.ValueString(), m.PolicyName.ValueString()
}

func attachmentID(role, policyType, policyName string) string {
	return role + ":" + policyType + ":" + policyName
}

func (r *rolePolicyAttachmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan rolePolicyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	role, ptype, pname := plan.parts()
	id := attachmentID(role, ptype, pname)
	// Attached already (by an interrupted apply, the role's aliram_role_policy_attachments_exclusive in this
	// apply, or outside Terraform) is success: the client reports the fact, not who made it.
	err := r.client.AttachPolicyToRole(ctx, role, ptype, pname)
	claims := claimsOf(r.client)
	if err != nil {
		hint := ""
		switch {
		case ramclient.IsRoleNotFound(err):
			hint = fmt.Sprintf("Role %q does not exist in this account. Check role_name and that this resource uses the same provider block as the role.", role)
		case ramclient.IsPolicyNotFound(err):
			hint = fmt.Sprintf("There is no %s policy named %q. Check policy_name and policy_type (System for Alibaba Cloud's policies, Custom for this account's own).", ptype, pname)
		}
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Attaching %s policy %q to RAM role %q", ptype, pname, role), err, hint)
		return
	}
	claims.attachedByAttachment(role, policyRef{Type: ptype, Name: pname})
	resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, "attachment")...)
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setAttachmentIdentity(ctx, r.client, resp.Identity, plan, &resp.Diagnostics)
}

// ModifyPlan tells the role's aliram_role_policy_attachments_exclusive, if the configuration has one, about
// this attachment, and fails the plan when that exclusive set leaves it out (see roleClaims).
func (r *rolePolicyAttachmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Flags widened access (a privileged system policy) in the plan: plan_warnings.go.
	defer warnPrivilegedAttachment(ctx, r.client, req, resp)
	if req.Plan.Raw.IsNull() { // destroy
		return
	}
	var plan rolePolicyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.RoleName.IsUnknown() || plan.PolicyType.IsUnknown() || plan.PolicyName.IsUnknown() {
		return
	}
	role, ptype, pname := plan.parts()
	if plan.ID.IsUnknown() { // a function of the arguments: known at plan (plan_known.go)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), attachmentID(role, ptype, pname))...)
	}
	if r.client == nil { // an unconfigured provider
		return
	}
	p := policyRef{Type: ptype, Name: pname}
	if !claimsOf(r.client).planAttachment(role, p) {
		resp.Diagnostics.AddError("Attachment left out of the exclusive set", exclusiveConflictDetail(role, []policyRef{p}))
	}
}

func (r *rolePolicyAttachmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state rolePolicyAttachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	role, ptype, pname := state.parts()
	what := fmt.Sprintf("Attachment of %s policy %q to RAM role %q", ptype, pname, role)
	// Made by the previous command (e.g. the apply before this plan): RAM may not list it yet.
	recent, diags := announceRecentCreates(ctx, r.client, req.Private, func(string) []ramclient.Entity {
		return []ramclient.Entity{ramclient.RoleAttachmentEntity(role, ptype, pname)}
	})
	resp.Diagnostics.Append(diags...)
	// Coalesced in the client: every attachment of this role shares one ListPoliciesForRole per refresh.
	attached, err := r.client.ListPoliciesForRole(ctx, role)
	if ramclient.IsNotFound(err) {
		notFoundWarning(&resp.Diagnostics, what)
		setAttachmentIdentity(ctx, r.client, resp.Identity, state, &resp.Diagnostics) // see crossAccountRoleResource.Read
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Reading the policies of RAM role %q", role), err, "")
		return
	}
	if ramclient.FindAttached(attached, ptype, pname) != nil {
		// Names are case-insensitive in RAM; keep the configured spelling.
		state.ID = types.StringValue(attachmentID(role, ptype, pname))
		if recent {
			resp.Diagnostics.Append(clearCreatedAt(ctx, resp.Private)...)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		setAttachmentIdentity(ctx, r.client, resp.Identity, state, &resp.Diagnostics)
		return
	}
	notFoundWarning(&resp.Diagnostics, what)
	setAttachmentIdentity(ctx, r.client, resp.Identity, state, &resp.Diagnostics)
	resp.State.RemoveResource(ctx)
}

// Update changes only the timeouts: every other argument requires replacement.
func (r *rolePolicyAttachmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan rolePolicyAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setAttachmentIdentity(ctx, r.client, resp.Identity, plan, &resp.Diagnostics)
}

func (r *rolePolicyAttachmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state rolePolicyAttachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	role, ptype, pname := state.parts()
	err := r.client.DetachPolicyFromRole(ctx, role, ptype, pname)
	if err != nil && !ramclient.IsNotFound(err) { // role, policy or attachment already gone: done
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Detaching %s policy %q from RAM role %q", ptype, pname, role), err, "")
	}
}
