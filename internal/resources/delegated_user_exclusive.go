package resources

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// Ownership of the whole RAM user by aliram_delegated_user (`exclusive`, the default): what the user holds
// beyond what its configuration grants (policies, AccessKeys, a login profile, group memberships) is read into
// `out_of_band`, which the plan empties, so a reviewer sees each item being removed and apply removes exactly
// what the plan showed.
//
// Cost: Read already lists the user's policies; exclusive adds the lists it does not read for what the
// configuration manages: ListAccessKeys without programmatic_access, GetLoginProfile without console_login,
// and ListGroupsForUser always; at most 2 calls per user (the client coalesces a list read twice). With
// exclusive = false nothing is added.

type outOfBandModel struct {
	Policies     types.Set  `tfsdk:"policies"`
	AccessKeyIDs types.Set  `tfsdk:"access_key_ids"`
	LoginProfile types.Bool `tfsdk:"login_profile"`
	Groups       types.Set  `tfsdk:"groups"`
}

var outOfBandAttrTypes = attrTypesOf(outOfBandAttribute())

func exclusiveAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true, Computed: true,
		Default: booldefault.StaticBool(true),
		MarkdownDescription: "Whether this resource owns the whole RAM user (the default): a policy, AccessKey, " +
			"login profile or group membership the configuration does not grant shows in `out_of_band` and the " +
			"plan removes it. Set `false` for a user that other tooling also manages: then nothing held beyond the " +
			"configuration is read or removed (destroy still revokes everything).",
	}
}

func outOfBandAttribute() schema.SingleNestedAttribute {
	set := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: desc}
	}
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "What the RAM user holds that this configuration does not grant, made outside " +
			"Terraform. Empty in every plan: a plan that empties it lists what apply removes. Null with " +
			"`exclusive = false`.",
		Attributes: map[string]schema.Attribute{
			"policies": set("Attached policies as `<type>:<name>`, for example `System:AdministratorAccess`; the " +
				"policy granting `sts:AssumeRole` (see `assume_role_policy_name`) is the configuration's."),
			"access_key_ids": set("AccessKeys other than the current and previous key of `programmatic_access`."),
			"login_profile": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the user has a console login profile that `console_login` does not configure."},
			"groups": set("Groups the user belongs to (the configuration grants none)."),
		},
	}
}

// plannedOutOfBand is out_of_band after apply: nothing (apply removes it all), null when not exclusive, or
// unknown when exclusive is unknown or has just been switched on (what the user holds was not read: the next
// plan shows it).
func plannedOutOfBand(plan, state delegatedUserModel, hasState bool) types.Object {
	switch {
	case plan.Exclusive.IsUnknown():
		return types.ObjectUnknown(outOfBandAttrTypes)
	case !plan.Exclusive.ValueBool():
		return types.ObjectNull(outOfBandAttrTypes)
	case hasState && state.OutOfBand.IsNull():
		return types.ObjectUnknown(outOfBandAttrTypes)
	}
	return outOfBandValue(nil, nil, false, nil)
}

func outOfBandValue(policies, keys []string, login bool, groups []string) types.Object {
	set := func(items []string) types.Set {
		vals := make([]attr.Value, 0, len(items))
		for _, s := range items {
			vals = append(vals, types.StringValue(s))
		}
		return types.SetValueMust(types.StringType, vals)
	}
	return types.ObjectValueMust(outOfBandAttrTypes, map[string]attr.Value{
		"policies": set(policies), "access_key_ids": set(keys), "login_profile": types.BoolValue(login), "groups": set(groups),
	})
}

// grantedPolicies are the policies (keys of policyRef) the configuration in m grants: the one granting
// sts:AssumeRole, by the name m records and by the name it would have.
func grantedPolicies(m delegatedUserModel) map[string]bool {
	granted := map[string]bool{}
	if !m.AssumeRolePolicyName.IsNull() && !m.AssumeRolePolicyName.IsUnknown() {
		granted[policyRef{Type: m.AssumeRolePolicyType.ValueString(), Name: m.AssumeRolePolicyName.ValueString()}.key()] = true
	}
	if len(m.AssumableRoleARNs.Elements()) > 0 {
		granted[policyRef{Type: policyTypeCustom, Name: managedPolicyName(m.Name.ValueString())}.key()] = true
	} else {
		granted[policyRef{Type: policyTypeSystem, Name: stsAssumeRoleSystemPolicy}.key()] = true
	}
	return granted
}

func outOfBandPolicyEntry(p policyRef) string { return p.Type + ":" + p.Name }

// readOutOfBand fills out_of_band at the end of Read, from st as refreshed. False when a read failed (the error
// is in diags).
func (r *delegatedUserResource) readOutOfBand(ctx context.Context, reads *ramclient.UserReads, st *delegatedUserModel, diags *diag.Diagnostics) bool {
	if st.Exclusive.IsNull() { // imported, or state written before the attribute existed: the default
		st.Exclusive = types.BoolValue(true)
	}
	if !st.Exclusive.ValueBool() {
		st.OutOfBand = types.ObjectNull(outOfBandAttrTypes)
		return true
	}
	name := st.Name.ValueString()
	fail := func(what string, err error) bool {
		addAPIError(diags, fmt.Sprintf("Reading the %s of RAM user %q", what, name), err, "")
		return false
	}
	// The client coalesces: the lists Read already made are not called again.
	attached, err := reads.Policies(ctx)
	if err != nil {
		return fail("policies", err)
	}
	granted := grantedPolicies(*st)
	var policies []string
	for _, p := range attached {
		if ref := (policyRef{Type: p.Type, Name: p.Name}); !granted[ref.key()] {
			policies = append(policies, outOfBandPolicyEntry(ref))
		}
	}
	keys, err := reads.AccessKeys(ctx)
	if err != nil {
		return fail("AccessKeys", err)
	}
	managed := map[string]bool{} // the current key and the previous one of a rotation
	for _, id := range managedAccessKeyIDs(ctx, st.ProgrammaticAccess, diags) {
		managed[strings.ToUpper(id)] = true
	}
	var keyIDs []string
	for _, k := range keys {
		if !managed[strings.ToUpper(k.ID)] {
			keyIDs = append(keyIDs, k.ID)
		}
	}
	login := false
	if st.ConsoleLogin.IsNull() {
		_, err := reads.LoginProfile(ctx)
		switch {
		case err == nil:
			login = true
		case !ramclient.IsNotFound(err):
			return fail("login profile", err)
		}
	}
	groups, err := reads.Groups(ctx)
	if err != nil {
		return fail("groups", err)
	}
	sort.Strings(policies)
	if len(policies)+len(keyIDs)+len(groups) > 0 || login {
		tflog.Warn(ctx, "the RAM user holds what its configuration does not grant; the plan removes it",
			map[string]any{"policies": policies, "access_key_ids": keyIDs, "login_profile": login, "groups": groups})
	}
	st.OutOfBand = outOfBandValue(policies, keyIDs, login, groups)
	return true
}

// userReadsOf names the reads Read will make for st, for Prefetch to make them together: the policies always
// (readAssumePolicy), the login profile and the keys when managed, imported or exclusive (readConsoleLogin,
// readAccessKey, readOutOfBand), the groups when exclusive. Exactly those: prefetching adds no call.
func userReadsOf(st delegatedUserModel, importing bool) ramclient.UserReadSet {
	exclusive := st.Exclusive.IsNull() || st.Exclusive.ValueBool()
	return ramclient.UserReadSet{
		Policies:     true,
		LoginProfile: !st.ConsoleLogin.IsNull() || importing || exclusive,
		AccessKeys:   !st.ProgrammaticAccess.IsNull() || importing || exclusive,
		Groups:       exclusive,
	}
}

// removeOutOfBand is Update's first step: it removes what the refreshed state's out_of_band lists (what the
// plan showed being removed), AccessKeys first, leaving what the new configuration grants (a login profile
// console_login now configures is taken over, a policy it now grants stays). False when a removal failed
// (the error is in diags). user is the user's name before any rename.
func (r *delegatedUserResource) removeOutOfBand(ctx context.Context, user string, plan delegatedUserModel, st *delegatedUserModel, diags *diag.Diagnostics) bool {
	st.Exclusive = plan.Exclusive
	prior := objectOrNil[outOfBandModel](ctx, st.OutOfBand, diags)
	if !plan.Exclusive.ValueBool() || prior == nil {
		if plan.OutOfBand.IsUnknown() { // exclusive just switched on: read what the next plan removes
			return r.readOutOfBand(ctx, r.client.UserReads(st.Name.ValueString()), st, diags)
		}
		st.OutOfBand = plan.OutOfBand
		return true
	}
	fail := func(what string, err error) bool {
		addAPIError(diags, fmt.Sprintf("Removing %s from RAM user %q", what, user), err, "")
		return false
	}
	gone := func(err error) bool { return err == nil || ramclient.IsNotFound(err) }
	keys, d := stringSet(ctx, prior.AccessKeyIDs)
	diags.Append(d...)
	for _, id := range keys {
		if err := r.client.DeleteAccessKey(ctx, user, id); !gone(err) {
			return fail("AccessKey "+id, err)
		}
	}
	if prior.LoginProfile.ValueBool() && plan.ConsoleLogin.IsNull() {
		if err := r.client.DeleteLoginProfile(ctx, user); !gone(err) {
			return fail("the login profile", err)
		}
	}
	policies, d := stringSet(ctx, prior.Policies)
	diags.Append(d...)
	granted := grantedPolicies(plan)
	for _, entry := range policies {
		typ, pname, _ := strings.Cut(entry, ":")
		if granted[policyRef{Type: typ, Name: pname}.key()] {
			continue
		}
		if err := r.client.DetachPolicyFromUser(ctx, user, typ, pname); !gone(err) {
			return fail(fmt.Sprintf("%s policy %q", typ, pname), err)
		}
	}
	groups, d := stringSet(ctx, prior.Groups)
	diags.Append(d...)
	for _, g := range groups {
		if err := r.client.RemoveUserFromGroup(ctx, g, user); !gone(err) {
			return fail(fmt.Sprintf("the membership of group %q", g), err)
		}
	}
	tflog.Info(ctx, "removed what the RAM user held outside its configuration",
		map[string]any{"policies": policies, "access_key_ids": keys, "groups": groups})
	st.OutOfBand = plan.OutOfBand
	return !diags.HasError()
}
