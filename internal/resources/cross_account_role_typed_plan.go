package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// planTypedTrust plans the typed trust arguments of a cross-account role. They are Optional and Computed
// for one reason: an import cannot see the configuration, so it records a trust document the typed
// arguments can express as those arguments (a typed configuration then plans no change). A configuration
// that gives the same document raw (assume_role_policy) would plan them away, an update that changes
// nothing in RAM; so, with a raw document equal to the one the recorded arguments build, they keep their
// state. In every other case each typed argument is exactly its configuration (null when absent), as if it
// were not Computed.
func planTypedTrust(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var config crossAccountRoleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	typed := config
	if raw := config.AssumeRolePolicy; !raw.IsNull() && !raw.IsUnknown() && !req.State.Raw.IsNull() {
		var state crossAccountRoleModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if spec, known, _ := trustSpecFromModel(ctx, state); known && len(spec.AccountIDs)+len(spec.PrincipalARNs) > 0 {
			if doc, err := policy.BuildTrustPolicy(spec); err == nil && policy.Equal(doc, raw.ValueString()) {
				typed = state
			}
		}
	}
	for name, v := range map[string]any{
		"trusted_account_ids":    typed.TrustedAccountIDs,
		"trusted_principal_arns": typed.TrustedPrincipalARNs,
		"external_id":            typed.ExternalID,
		"require_mfa":            typed.RequireMFA,
		"allowed_source_ips":     typed.AllowedSourceIPs,
		"valid_until":            typed.ValidUntil,
	} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), v)...)
	}
}
