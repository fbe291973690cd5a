package resources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// What the plan knows. A delegation is reviewed as a plan, so every value that is a function of the
// configuration and the account is rendered at plan instead of showing "(known after apply)": a role's arn and
// id, a delegated user's arn, logon_name, managed policy and its document, and (through the role's planned
// arn) the user's assumable_role_arns. Only what RAM assigns (IDs, dates, AccessKeys) stays unknown;
// optional arguments are not computed, so one the configuration leaves unset plans as null.
//
// The account ID is the provider block's expected_account_id when set (no call), otherwise one cached
// GetCallerIdentity per provider block and command; the alias one cached GetAccountAlias (see ramclient's
// PlanAccountID). A lookup is bounded (ramclient.PlanLookupTimeout): when it fails, the value stays unknown
// and the plan carries a warning on the attribute, never an error, so a plan without credentials or network
// still shows everything that needs no call.

// planAccountID is the account ID for a value planned at attr; ok is false (and a warning added) when it
// cannot be known at plan.
func planAccountID(ctx context.Context, c *ramclient.Client, attr path.Path, diags *diag.Diagnostics) (string, bool) {
	if c == nil { // the provider is not configured yet (its own arguments are unknown): nothing to look up
		return "", false
	}
	id, err := c.PlanAccountID(ctx)
	if err != nil {
		notKnownAtPlan(attr, "the account ID of this provider block", err, diags,
			" With expected_account_id set on the provider block, ARNs are rendered without any call.")
		return "", false
	}
	return id, true
}

// planLogonName is a user's console sign-in name, <name>@<alias or account ID>.onaliyun.com, for the plan.
func planLogonName(ctx context.Context, c *ramclient.Client, name string, attr path.Path, diags *diag.Diagnostics) (string, bool) {
	if c == nil {
		return "", false
	}
	alias, err := c.PlanAccountAlias(ctx)
	if err != nil {
		notKnownAtPlan(attr, "the account alias of this provider block", err, diags, "")
		return "", false
	}
	if alias == "" {
		id, ok := planAccountID(ctx, c, attr, diags)
		if !ok {
			return "", false
		}
		alias = id
	}
	return policy.LogonName(name, alias), true
}

// notKnownAtPlan warns that attr shows as unknown because what renders it could not be looked up.
func notKnownAtPlan(attr path.Path, what string, err error, diags *diag.Diagnostics, advice string) {
	hint := "Apply looks it up again."
	if ramclient.IsNoCredentials(err) {
		hint = "This provider block has no credentials: apply needs them."
	}
	diags.AddAttributeWarning(attr, fmt.Sprintf("%s not known at plan", attr),
		fmt.Sprintf("Looking up %s failed, so %s shows as (known after apply): %v\n\n%s%s", what, attr, err, hint, advice))
}
