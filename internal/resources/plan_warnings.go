package resources

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// Widened access flagged in the plan. The plan of a delegation is what a reviewer approves; a change that lets
// more people in, or lets them in more easily, must not hide in a diff of JSON. Each ModifyPlan calls one
// function of this file (deferred, so it sees the plan as finally modified) and it adds a warning, on the
// attribute that causes it, when the change:
//
//   - aliram_cross_account_role: trusts a new account or principal, drops or loosens the ExternalId, MFA,
//     source-IP or end-date condition (policy.TrustWidenings on the old and new documents), raises
//     max_session_duration;
//   - aliram_role_policy_attachment, aliram_role_policy_attachments_exclusive: attaches a privileged system
//     policy (policy.PrivilegedSystemPolicy) to a role;
//   - aliram_delegated_user: grants AliyunSTSAssumeRoleAccess because assumable_role_arns is empty;
//   - aliram_delegated_role: trusts a new service or principal, may assume a new role, raises
//     max_session_duration.
//
// Every summary starts with widenedPrefix. Narrowing changes, unchanged resources and a reformatted equivalent
// document warn nothing; values still unknown at plan warn nothing either (there is nothing to compare yet).

// widenedPrefix starts the summary of every warning of this file: one string to look for in a plan.
const widenedPrefix = "Widened access: "

// warnRoleWidening flags an update of a cross-account role that widens who may assume it or how.
func warnRoleWidening(ctx context.Context, client *ramclient.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan crossAccountRoleModel
	if d := resp.Plan.Get(ctx, &plan); d.HasError() {
		return
	}
	rememberRoleTrust(client, plan)
	if req.State.Raw.IsNull() {
		return // a new role: nothing trusted before to compare with
	}
	var state crossAccountRoleModel
	var config policy.DocumentValue
	if req.State.Get(ctx, &state).HasError() || req.Config.GetAttribute(ctx, path.Root("assume_role_policy"), &config).HasError() {
		return
	}
	role := fmt.Sprintf("RAM role %q", state.Name.ValueString())
	raw := !config.IsNull()
	if known(state.AssumeRolePolicy) && known(plan.AssumeRolePolicy) {
		widenings, err := policy.TrustWidenings(state.AssumeRolePolicy.ValueString(), plan.AssumeRolePolicy.ValueString())
		if err == nil {
			for _, w := range widenings {
				summary, detail := describeWidening(role, w)
				resp.Diagnostics.AddAttributeWarning(widenedAttribute(w, raw), widenedPrefix+summary, detail)
			}
		}
	}
	warnLongerSessions(role, state.MaxSessionDuration, plan.MaxSessionDuration, resp)
}

func warnLongerSessions(role string, before, after types.Int64, resp *resource.ModifyPlanResponse) {
	if known(before) && known(after) && after.ValueInt64() > before.ValueInt64() {
		resp.Diagnostics.AddAttributeWarning(path.Root("max_session_duration"), widenedPrefix+role+" allows longer sessions",
			fmt.Sprintf("max_session_duration rises from %s to %s: every STS session issued for this role may act in "+
				"this account that long, and a leaked session token stays usable as long, whatever the trust policy "+
				"says meanwhile.", duration(before.ValueInt64()), duration(after.ValueInt64())))
	}
}

// warnDelegatedRoleWidening flags an update of a delegated role that lets a new service or principal assume
// it, lets it assume a new role, or allows longer sessions.
func warnDelegatedRoleWidening(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return // destroyed, or new: nothing granted before to compare with
	}
	var plan, state delegatedRoleModel
	if resp.Plan.Get(ctx, &plan).HasError() || req.State.Get(ctx, &state).HasError() {
		return
	}
	role := fmt.Sprintf("RAM role %q", state.Name.ValueString())
	if known(state.TrustPolicy) && known(plan.TrustPolicy) {
		widenings, err := policy.TrustWidenings(state.TrustPolicy.ValueString(), plan.TrustPolicy.ValueString())
		if err != nil {
			widenings = nil // a document the comparison cannot read: the JSON diff is all the plan shows
		}
		for _, w := range widenings {
			attr := path.Root("trusted_principal_arns")
			if w.Kind == policy.NewPrincipal && strings.HasPrefix(w.Principals[0], "Service:") {
				attr = path.Root("trusted_services")
			}
			summary, detail := describeWidening(role, w)
			resp.Diagnostics.AddAttributeWarning(attr, widenedPrefix+summary, detail)
		}
	}
	if setFullyKnown(state.AssumableRoleARNs) && setFullyKnown(plan.AssumableRoleARNs) {
		before, _ := stringSet(ctx, state.AssumableRoleARNs)
		after, _ := stringSet(ctx, plan.AssumableRoleARNs)
		had := map[string]bool{}
		for _, a := range before {
			had[strings.ToLower(a)] = true
		}
		for _, a := range after {
			if !had[strings.ToLower(a)] {
				resp.Diagnostics.AddAttributeWarning(path.Root("assumable_role_arns"), widenedPrefix+role+" may assume a new role",
					fmt.Sprintf("After this apply whoever holds this role's credentials (every instance it is attached to, "+
						"every principal it trusts) may assume %s, which it could not before. Check that the role is party "+
						"to the delegation.", a))
			}
		}
	}
	warnLongerSessions(role, state.MaxSessionDuration, plan.MaxSessionDuration, resp)
}

// knowable is any framework value.
type knowable interface {
	IsNull() bool
	IsUnknown() bool
}

// known: neither null nor unknown.
func known(v knowable) bool { return !v.IsNull() && !v.IsUnknown() }

// widenedAttribute is the argument a reviewer must look at: the typed one that wrote the condition, or
// assume_role_policy for a raw document (or a condition no typed argument writes).
func widenedAttribute(w policy.Widening, raw bool) path.Path {
	if raw {
		return path.Root("assume_role_policy")
	}
	switch w.Kind {
	case policy.NewPrincipal:
		if strings.HasSuffix(w.Principals[0], ":root") {
			return path.Root("trusted_account_ids")
		}
		return path.Root("trusted_principal_arns")
	case policy.ExternalIDLoosened:
		return path.Root("external_id")
	case policy.MFALoosened:
		return path.Root("require_mfa")
	case policy.SourceIPLoosened:
		return path.Root("allowed_source_ips")
	case policy.ValidUntilLoosened:
		return path.Root("valid_until")
	}
	return path.Root("assume_role_policy")
}

// describeWidening says what widened and what it means.
func describeWidening(role string, w policy.Widening) (summary, detail string) {
	who := strings.Join(w.Principals, ", ")
	switch w.Kind {
	case policy.NewPrincipal:
		p := w.Principals[0]
		meaning := "this principal may assume the role"
		if account, ok := strings.CutSuffix(strings.TrimPrefix(p, "acs:ram::"), ":root"); ok && strings.HasPrefix(p, "acs:ram::") {
			meaning = fmt.Sprintf("every RAM user and role of account %s whose own account lets it call sts:AssumeRole "+
				"may assume the role: that account's administrator, not this configuration, decides who", account)
			return role + " trusts a new account", fmt.Sprintf("After this apply %s is trusted, which it was not "+
				"before: %s. Check that account %s is party to the delegation.", p, meaning, account)
		}
		return role + " trusts a new principal", fmt.Sprintf("After this apply %s is trusted, which it was not before: "+
			"%s. Check that it is party to the delegation.", p, meaning)
	case policy.ExternalIDLoosened:
		if w.Removed {
			return role + " no longer requires an external ID", fmt.Sprintf("The trust policy drops its sts:ExternalId "+
				"condition: %s may assume the role without passing the external ID the two enterprises agreed on. "+
				"That ID is what keeps a third party from having the trusted account's tooling act on this account "+
				"for it (the confused-deputy problem).", who)
		}
		return role + " accepts more external IDs", fmt.Sprintf("The sts:ExternalId condition accepts more values than "+
			"before (for %s): each one is a secret that lets a caller in. A replaced external ID alone is a rotation "+
			"and is not flagged.", who)
	case policy.MFALoosened:
		return role + " no longer requires MFA", fmt.Sprintf("The acs:MFAPresent condition is %s: %s may assume the "+
			"role without having signed in with MFA, and so may any caller with a password or AccessKey alone.",
			removedOr(w, "changed to "+strings.Join(w.After, ", ")), who)
	case policy.SourceIPLoosened:
		if w.Removed {
			return role + " no longer restricts source addresses", fmt.Sprintf("AssumeRole calls were accepted only from "+
				"%s; after this apply %s may assume the role from any address, so a leaked password or AccessKey "+
				"works from anywhere.", strings.Join(w.Before, ", "), who)
		}
		return role + " accepts AssumeRole from more addresses", fmt.Sprintf("The acs:SourceIp condition newly admits %s "+
			"(before: %s; after: %s), for %s. Check that these networks belong to the trusted enterprise.",
			strings.Join(w.Admitted, ", "), strings.Join(w.Before, ", "), strings.Join(w.After, ", "), who)
	case policy.ValidUntilLoosened:
		before := strings.Join(w.Before, ", ")
		if w.Removed {
			return role + " no longer expires", fmt.Sprintf("The end date of the trust (valid_until, acs:CurrentTime "+
				"before %s) is removed: %s may assume the role until someone destroys it, instead of losing access "+
				"when the contract ends.", before, who)
		}
		return role + " trust ends later", fmt.Sprintf("valid_until moves from %s to %s%s: %s may assume the role "+
			"that much longer. Check that the contract was extended.", before, strings.Join(w.After, ", "),
			later(w.Before, w.After), who)
	case policy.DenyRemoved:
		return role + " loses a Deny statement", "A Deny statement of the trust policy is removed or changed: " +
			"whoever it refused may be able to assume the role now."
	}
	return fmt.Sprintf("%s: condition %s %s loosened", role, w.Operator, w.Key), fmt.Sprintf("The trust policy's "+
		"%s condition on %s is %s (before: %s), so %s may assume the role in cases it refused before.",
		w.Operator, w.Key, removedOr(w, "changed to "+strings.Join(w.After, ", ")), strings.Join(w.Before, ", "), who)
}

func removedOr(w policy.Widening, changed string) string {
	if w.Removed {
		return "removed"
	}
	return changed
}

// later says by how much the end moves, when both ends are single RFC 3339 times.
func later(before, after []string) string {
	if len(before) != 1 || len(after) != 1 {
		return ""
	}
	b, err1 := time.Parse(time.RFC3339, before[0])
	a, err2 := time.Parse(time.RFC3339, after[0])
	if err1 != nil || err2 != nil {
		return ""
	}
	if days := int(a.Sub(b).Hours() / 24); days >= 1 {
		return fmt.Sprintf(" (%d days later)", days)
	}
	return fmt.Sprintf(" (%s later)", a.Sub(b))
}

func duration(seconds int64) string {
	if seconds%3600 == 0 {
		return fmt.Sprintf("%d s (%d h)", seconds, seconds/3600)
	}
	return fmt.Sprintf("%d s", seconds)
}

// warnPrivilegedAttachment flags an aliram_role_policy_attachment that attaches a privileged system policy.
func warnPrivilegedAttachment(ctx context.Context, client *ramclient.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan, state rolePolicyAttachmentModel
	if resp.Plan.Get(ctx, &plan).HasError() || !known(plan.RoleName) || !known(plan.PolicyType) || !known(plan.PolicyName) {
		return
	}
	if !req.State.Raw.IsNull() {
		if req.State.Get(ctx, &state).HasError() {
			return
		}
		if strings.EqualFold(state.RoleName.ValueString(), plan.RoleName.ValueString()) &&
			strings.EqualFold(state.PolicyType.ValueString(), plan.PolicyType.ValueString()) &&
			strings.EqualFold(state.PolicyName.ValueString(), plan.PolicyName.ValueString()) {
			return // attached already: no change
		}
	}
	if plan.PolicyType.ValueString() != policyTypeSystem {
		return
	}
	addPrivilegedWarning(&resp.Diagnostics, path.Root("policy_name"), client, plan.RoleName.ValueString(), plan.PolicyName.ValueString())
}

// warnPrivilegedExclusive flags the privileged system policies an exclusive set newly lists.
func warnPrivilegedExclusive(ctx context.Context, client *ramclient.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan, state rolePolicyAttachmentsExclusiveModel
	if resp.Plan.Get(ctx, &plan).HasError() || !known(plan.RoleName) || !setFullyKnown(plan.SystemPolicies) {
		return
	}
	var before []string
	if !req.State.Raw.IsNull() {
		if req.State.Get(ctx, &state).HasError() {
			return
		}
		if strings.EqualFold(state.RoleName.ValueString(), plan.RoleName.ValueString()) {
			before, _ = stringSet(ctx, state.SystemPolicies)
		}
	}
	names, _ := stringSet(ctx, plan.SystemPolicies)
	for _, n := range names {
		if !containsFold(before, n) {
			addPrivilegedWarning(&resp.Diagnostics, path.Root("system_policies"), client, plan.RoleName.ValueString(), n)
		}
	}
}

func addPrivilegedWarning(diags *diag.Diagnostics, at path.Path, client *ramclient.Client, role, policyName string) {
	name, why, ok := policy.PrivilegedSystemPolicy(policyName)
	if !ok {
		return
	}
	holders := fmt.Sprintf("Whoever can assume RAM role %q gets it. If the role is a cross-account role "+
		"(aliram_cross_account_role), that is every user of the trusted account allowed to assume it: the "+
		"other enterprise holds this power in this account.", role)
	if trusted := rememberedTrust(client, role); len(trusted) > 0 {
		holders = fmt.Sprintf("RAM role %q is a cross-account role of this configuration: it trusts %s, so every "+
			"RAM user and role there that may assume it holds this power in this account.", role, strings.Join(trusted, ", "))
	}
	diags.AddAttributeWarning(at, fmt.Sprintf("%sprivileged policy %s attached to RAM role %q", widenedPrefix, name, role),
		fmt.Sprintf("%s is privileged: %s. %s Prefer the service's own policy (for example AliyunKafkaFullAccess) "+
			"or a least-privilege aliram_policy.", name, why, holders))
}

// warnAnyRoleGrant flags a delegated user that gets AliyunSTSAssumeRoleAccess because assumable_role_arns
// is empty, when it did not hold it already.
func warnAnyRoleGrant(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan, state delegatedUserModel
	if resp.Plan.Get(ctx, &plan).HasError() || plan.AssumableRoleARNs.IsUnknown() || len(plan.AssumableRoleARNs.Elements()) > 0 {
		return // a managed policy for exactly the listed roles (or not known yet)
	}
	if !req.State.Raw.IsNull() {
		if req.State.Get(ctx, &state).HasError() {
			return
		}
		if len(state.AssumableRoleARNs.Elements()) == 0 && strings.EqualFold(state.AssumeRolePolicyName.ValueString(), stsAssumeRoleSystemPolicy) {
			return // held it already
		}
	}
	account := "this account"
	if a, _, _, err := policy.ParsePrincipalARN(plan.ARN.ValueString()); err == nil && known(plan.ARN) {
		account = "account " + a
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("assumable_role_arns"),
		fmt.Sprintf("%sRAM user %q may assume any role (%s)", widenedPrefix, plan.Name.ValueString(), stsAssumeRoleSystemPolicy),
		fmt.Sprintf("assumable_role_arns is empty, so this user gets the system policy %s: sts:AssumeRole on every "+
			"role, that is any role of any account whose trust policy admits %s, now or later, not only the "+
			"role of this delegation. List the roles in assumable_role_arns to give the user a managed policy "+
			"for exactly those.", stsAssumeRoleSystemPolicy, account))
}

// What cross-account roles of a provider block trust, remembered at plan so that an attachment planned after
// its role (it refers to the role, so Terraform plans the role first) can say who gains a privileged policy.
// Names only, per client (one per provider block and CLI command); never written to state.
var roleTrustByClient sync.Map // *ramclient.Client => *sync.Map (lower-cased role name => []string)

func rememberRoleTrust(client *ramclient.Client, plan crossAccountRoleModel) {
	if client == nil || !known(plan.Name) || !known(plan.AssumeRolePolicy) {
		return
	}
	principals, err := policy.TrustedPrincipals(plan.AssumeRolePolicy.ValueString())
	if err != nil {
		return
	}
	m, _ := roleTrustByClient.LoadOrStore(client, &sync.Map{})
	m.(*sync.Map).Store(strings.ToLower(plan.Name.ValueString()), principals)
}

func rememberedTrust(client *ramclient.Client, role string) []string {
	if client == nil {
		return nil
	}
	m, ok := roleTrustByClient.Load(client)
	if !ok {
		return nil
	}
	v, ok := m.(*sync.Map).Load(strings.ToLower(role))
	if !ok {
		return nil
	}
	return v.([]string)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
