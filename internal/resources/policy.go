package resources

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

var _ managedResource = (*policyResource)(nil)

func NewPolicyResource() resource.Resource {
	return &policyResource{byName("aliram_policy", "Name of the policy.")}
}

type policyResource struct {
	importedByName
}

type policyModel struct {
	ID              types.String         `tfsdk:"id"`
	Name            types.String         `tfsdk:"name"`
	Document        policy.DocumentValue `tfsdk:"document"`
	Description     types.String         `tfsdk:"description"`
	Tags            types.Map            `tfsdk:"tags"`
	DefaultVersion  types.String         `tfsdk:"default_version"`
	AttachmentCount types.Int64          `tfsdk:"attachment_count"`
	CreateDate      types.String         `tfsdk:"create_date"`

	Timeouts timeouts.Value `tfsdk:"timeouts"` // the operations' time budgets
}

func (r *policyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
		MarkdownDescription: "A custom RAM permission policy, for example a least-privilege policy scoped to the " +
			"instances, topics and groups enterprise B may operate.\n\n" +
			"A document change creates a new default policy version (the oldest non-default version is rotated out, " +
			"so the 5-version limit never blocks an apply). Destroy deletes the non-default versions and then the " +
			"policy; if the policy is still attached somewhere, the error lists where.\n\n" + markerDoc("policy"),
		Attributes: map[string]schema.Attribute{
			"id": stableComputedString("The policy name (the import ID)."),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the policy: 1–128 characters, letters, digits and `-`. Changing it replaces the policy.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{policy.PolicyNameValidator()},
			},
			"document": schema.StringAttribute{
				CustomType: policy.DocumentType{},
				Required:   true,
				MarkdownDescription: "The policy document (JSON), for example from `jsonencode` or the " +
					"`aliram_policy_document` data source. Validated at plan time (Version \"1\", statements with " +
					"Effect, Action and Resource). Semantically equal documents (key order, whitespace, a string vs a " +
					"one-element list, element order) never show a diff; a new default version set outside Terraform does.",
				Validators: []validator.String{policy.PermissionPolicyValidator()},
			},
			// Optional without Computed: removing the argument plans an update that clears the description.
			"description": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Description of the policy, 1–1024 characters; updated in place. Removing " +
					"this argument clears the description in RAM.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 1024)},
			},
			"tags":            tagsAttribute("policy"),
			"default_version": stableComputedString("ID of the default (effective) policy version, such as `v3`."),
			"attachment_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of users, groups and roles the policy is attached to, as of the last refresh.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"create_date": stableComputedString("Creation time of the policy (UTC, RFC 3339)."),
		},
	}
}

// ModifyPlan: a semantically new document makes a new default version, so default_version is unknown.
func (r *policyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var planned, prior policy.DocumentValue
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("document"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("document"), &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if planned.IsUnknown() || !policy.Equal(planned.ValueString(), prior.ValueString()) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("default_version"), types.StringUnknown())...)
	}
}

func (r *policyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan policyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	name := plan.Name.ValueString()
	tags := mapOfStrings(plan.Tags)
	in := ramclient.CreatePolicyInput{Name: name, Document: plan.Document.ValueString(), Description: plan.Description.ValueString(), Tags: tags}
	in.Marker = ramclient.Marker{Owner: "aliram_policy", Config: []string{in.Document, in.Description, ramclient.TagsConfig(tags)}}
	p, err := r.client.CreatePolicy(ctx, in)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating RAM policy %q", name), err,
			createConflictHint(err, "aliram_policy", "policy", name))
		return
	}
	resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, "policy")...)
	if p.Adopted {
		// Made by an interrupted apply of this configuration (or this call's attempt whose answer was lost),
		// with these very arguments; anything changed since is set back.
		tflog.Info(ctx, "adopted the RAM policy an earlier, interrupted create made", map[string]any{"policy_name": name})
		if err := r.convergeAdopted(ctx, in, p); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating adopted RAM policy %q", name), err, "")
			return
		}
	}
	state := plan
	state.ID = types.StringValue(name)
	state.DefaultVersion = types.StringValue(p.DefaultVersion)
	if state.DefaultVersion.ValueString() == "" {
		state.DefaultVersion = types.StringValue("v1")
	}
	state.AttachmentCount = types.Int64Value(p.AttachmentCount)
	state.CreateDate = types.StringValue(p.CreateDate)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
}

// convergeAdopted makes an adopted policy what in asks for, where someone changed it after its creation;
// p.DefaultVersion follows a new version.
func (r *policyResource) convergeAdopted(ctx context.Context, in ramclient.CreatePolicyInput, p *ramclient.Policy) error {
	if !policy.Equal(p.Document, in.Document) {
		v, err := r.client.CreatePolicyVersion(ctx, in.Name, in.Document, true, true)
		if err != nil {
			return err
		}
		p.DefaultVersion = v.ID
	}
	if p.Description != in.Description {
		if err := r.client.UpdatePolicyDescription(ctx, in.Name, in.Description); err != nil {
			return err
		}
	}
	return moveTags(ctx, r.client, "policy", in.Name, p.Tags, in.Tags)
}

func (r *policyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state policyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	name := state.ID.ValueString()
	// Created by the previous command (e.g. the apply before this plan): RAM may not show it yet.
	recent, diags := announceRecentCreates(ctx, r.client, req.Private, func(string) []ramclient.Entity {
		return []ramclient.Entity{ramclient.PolicyEntity(name)}
	})
	resp.Diagnostics.Append(diags...)
	p, err := r.client.GetPolicy(ctx, name, "Custom")
	if !readFound(ctx, r.client, resp, fmt.Sprintf("RAM policy %q", name), name, err) {
		return
	}
	state.Name = nameAsInRAM(state.Name, p.Name)
	// The default version's document: a new default set outside Terraform shows as a diff.
	state.Document = documentAsInRAM(state.Document, p.Document)
	state.Description = optionalString(p.Description)
	state.DefaultVersion = types.StringValue(p.DefaultVersion)
	state.AttachmentCount = types.Int64Value(p.AttachmentCount)
	state.CreateDate = types.StringValue(p.CreateDate)
	importing, diags := req.Private.GetKey(ctx, importingKey)
	resp.Diagnostics.Append(diags...)
	finishTaggedRead(ctx, r.client, resp, "policy", name, importing != nil, recent, &state, &state.Tags)
}

func (r *policyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, ok := updatePlanAndState[policyModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	name := state.ID.ValueString()
	next := plan
	next.ID, next.CreateDate, next.AttachmentCount, next.DefaultVersion = state.ID, state.CreateDate, state.AttachmentCount, state.DefaultVersion
	next.Tags = state.Tags
	next.Description = state.Description // each field moves to the planned value once RAM has it
	saveOnError := func() { resp.Diagnostics.Append(resp.State.Set(ctx, &next)...) }

	if !policy.Equal(plan.Document.ValueString(), state.Document.ValueString()) {
		// Rotation drops the oldest non-default version, so the 5-version limit never fails the apply.
		v, err := r.client.CreatePolicyVersion(ctx, name, plan.Document.ValueString(), true, true)
		if err != nil {
			next.Document = state.Document
			saveOnError()
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Creating a new version of RAM policy %q", name), err, "")
			return
		}
		next.DefaultVersion = types.StringValue(v.ID)
	}
	if !plan.Description.Equal(state.Description) {
		// A removed description is null in the plan: "" clears it in RAM.
		if err := r.client.UpdatePolicyDescription(ctx, name, plan.Description.ValueString()); err != nil {
			saveOnError()
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating the description of RAM policy %q", name), err, "")
			return
		}
		next.Description = plan.Description
	}
	if !plan.Tags.Equal(state.Tags) {
		if err := applyTags(ctx, r.client, "policy", name, state.Tags, plan.Tags); err != nil {
			saveOnError()
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Updating the tags of RAM policy %q", name), err, "")
			return
		}
		next.Tags = plan.Tags
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
}

func (r *policyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state policyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	// The client deletes the non-default versions (again if one is added meanwhile) and waits out RAM's stale
	// view after a detach; what it reports is final.
	err := r.client.DeletePolicyWith(ctx, state.ID.ValueString(), ramclient.DeletePolicyOptions{})
	addDeleteError(&resp.Diagnostics, fmt.Sprintf("Deleting RAM policy %q", state.ID.ValueString()), err, policyStillAttached(err),
		"RAM kept reporting the policy as attached although nothing is listed. Run destroy again in a minute.")
}

// policyStillAttached says what to do when the delete found the policy attached somewhere; "" otherwise.
func policyStillAttached(err error) string {
	inUse := new(ramclient.PolicyInUseError)
	if errors.As(err, &inUse) {
		return fmt.Sprintf("The policy is still attached to %s.\n\nDetach it first: remove the "+
			"aliram_role_policy_attachment (or other attachment) resources that reference it, or detach "+
			"attachments made outside Terraform in the RAM console or with DetachPolicyFromRole / "+
			"DetachPolicyFromUser / DetachPolicyFromGroup; then destroy again.", describeEntities(&inUse.Entities))
	}
	return ""
}

func describeEntities(e *ramclient.PolicyEntities) string {
	if e == nil {
		return ""
	}
	var parts []string
	for _, g := range []struct {
		kind  string
		names []string
	}{{"role", e.Roles}, {"user", e.Users}, {"group", e.Groups}} {
		if len(g.names) == 0 {
			continue
		}
		names := append([]string(nil), g.names...)
		sort.Strings(names)
		kind := g.kind
		if len(names) > 1 {
			kind += "s"
		}
		parts = append(parts, fmt.Sprintf("%s %s", kind, strings.Join(names, ", ")))
	}
	return strings.Join(parts, "; ")
}
