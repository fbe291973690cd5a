package resources

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// The plan of aliram_delegated_user: everything that follows from the configuration and account B is known
// at plan (see plan_known.go), so a reviewer sees the user's ARN and sign-in name, the policy granting
// sts:AssumeRole and its very document, and, when the roles are A's roles of the same configuration, which
// roles B's user gets.

// ModifyPlan makes the plan say which policy grants sts:AssumeRole and with which document, the user's ARN
// and logon name (also after a rename), and whether the AccessKey is replaced.
func (r *delegatedUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Flags widened access (AliyunSTSAssumeRoleAccess for an empty assumable_role_arns) in the plan: plan_warnings.go.
	defer warnAnyRoleGrant(ctx, req, resp)
	if req.Plan.Raw.IsNull() { // destroy
		return
	}
	plan, state, hasState, ok := modifyPlanAndState[delegatedUserModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}

	// Which policy grants sts:AssumeRole, and its document.
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
	plan.AssumeRolePolicyDocument = plannedAssumeDocument(ctx, plan.AssumableRoleARNs, state.AssumeRolePolicyDocument, &resp.Diagnostics)

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
	// A new user's (or one whose state lacks them): built from the account's ID and alias.
	if !plan.Name.IsUnknown() {
		name := plan.Name.ValueString()
		if plan.ARN.IsUnknown() {
			if account, ok := planAccountID(ctx, r.client, path.Root("arn"), &resp.Diagnostics); ok {
				plan.ARN = types.StringValue(policy.UserARN(account, name))
			}
		}
		if plan.LogonName.IsUnknown() {
			if logon, ok := planLogonName(ctx, r.client, name, path.Root("logon_name"), &resp.Diagnostics); ok {
				plan.LogonName = types.StringValue(logon)
			}
		}
	}

	// The AccessKey: kept, or (re)created.
	if !plan.ProgrammaticAccess.IsNull() && !plan.ProgrammaticAccess.IsUnknown() {
		plan.ProgrammaticAccess = planAccessKey(ctx, plan.ProgrammaticAccess, state.ProgrammaticAccess, &resp.Diagnostics)
	}
	plan.OutOfBand = plannedOutOfBand(plan, state, hasState) // see delegated_user_exclusive.go
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
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

// plannedAssumeDocument is the managed policy's document for arns: unknown while they are, null when they are
// empty (the system policy grants sts:AssumeRole then), else rendered exactly as Create and Update send it,
// keeping prior's spelling when it is the same document.
func plannedAssumeDocument(ctx context.Context, arns types.Set, prior policy.DocumentValue, diags *diag.Diagnostics) policy.DocumentValue {
	if !setFullyKnown(arns) {
		return policy.NewDocumentUnknown()
	}
	list, d := stringSet(ctx, arns)
	diags.Append(d...)
	if len(list) == 0 {
		return policy.NewDocumentNull()
	}
	doc, err := renderAssumeRolePolicy(list)
	if err != nil {
		diags.AddAttributeError(path.Root("assumable_role_arns"), "Cannot build the AssumeRole policy", err.Error())
		return policy.NewDocumentUnknown()
	}
	return equivalentOr(prior, doc)
}

// equivalentOr is prior when it holds the same document as doc (so an equivalent spelling plans nothing), else doc.
func equivalentOr(prior policy.DocumentValue, doc string) policy.DocumentValue {
	if known(prior) && policy.Equal(prior.ValueString(), doc) {
		return prior
	}
	return policy.NewDocumentValue(doc)
}

// userARNAndLogon builds the user's ARN and console sign-in name from the account facts (cached by the
// client), for an apply whose plan could not know them.
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
	return policy.UserARN(account, name), policy.LogonName(name, alias), nil
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
