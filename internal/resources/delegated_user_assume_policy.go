package resources

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// The sts:AssumeRole grant of aliram_delegated_user: the managed custom policy (or the system policy) that
// lets the user assume the roles of assumable_role_arns. What a delegated role shares with it (the document,
// the policy's upkeep, its version bookkeeping in private state) is in managed_assume_policy.go.

const (
	// stsAssumeRoleSystemPolicy is what Alibaba Cloud's cross-account tutorials attach to B's users; used when assumable_role_arns is empty.
	stsAssumeRoleSystemPolicy = "AliyunSTSAssumeRoleAccess"
	policyTypeSystem          = "System"
	policyTypeCustom          = "Custom"
	// privateKeyPolicyVersion remembers the managed policy's default version this resource wrote, so a refresh
	// only reads the document (GetPolicy) when someone else created a newer version.
	privateKeyPolicyVersion = "assume_role_policy_version"
	maxAssumableRoles       = 50 // keeps the managed policy well under RAM's 6144-character document limit
)

// policyNameUnsafe matches what a policy name may not hold; managedPolicyName replaces it.
var policyNameUnsafe = regexp.MustCompile(`[^A-Za-z0-9-]`)

// readAssumePolicy finds out whether the policy granting sts:AssumeRole is still attached and, for the
// managed policy, whether someone wrote a new version of it.
func (r *delegatedUserResource) readAssumePolicy(ctx context.Context, reads *ramclient.UserReads, st *delegatedUserModel, importing bool,
	priv privateGetter, privOut privateSetter) diag.Diagnostics {
	var diags diag.Diagnostics
	name := st.Name.ValueString()
	attached, err := reads.Policies(ctx)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Listing the policies of RAM user %q", name), err, "")
		return diags
	}
	managed := managedPolicyName(name)
	if st.AssumeRolePolicyType.ValueString() == policyTypeCustom && !st.AssumeRolePolicyName.IsNull() {
		managed = st.AssumeRolePolicyName.ValueString()
	}
	wantManaged := len(st.AssumableRoleARNs.Elements()) > 0 || (importing && ramclient.FindAttached(attached, policyTypeCustom, managed) != nil)

	if !wantManaged {
		st.AssumeRolePolicyDocument = policy.NewDocumentNull()
		if ramclient.FindAttached(attached, policyTypeSystem, stsAssumeRoleSystemPolicy) != nil {
			st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringValue(stsAssumeRoleSystemPolicy), types.StringValue(policyTypeSystem)
		} else {
			st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
		}
		return diags
	}
	ap := ramclient.FindAttached(attached, policyTypeCustom, managed)
	if ap == nil {
		// Detached (or deleted) outside Terraform: the plan shows the policy being attached again.
		st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
		st.AssumeRolePolicyDocument = policy.NewDocumentNull()
		return diags
	}
	st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringValue(ap.Name), types.StringValue(policyTypeCustom)

	arns, held, doc, d := checkManagedAssumeGrant(ctx, r.client, ap, st.AssumableRoleARNs, "RAM user "+strconv.Quote(name), priv, privOut)
	diags.Append(d...)
	if len(arns) > 0 {
		v, d := types.SetValueFrom(ctx, types.StringType, arns)
		diags.Append(d...)
		st.AssumableRoleARNs = v
	}
	if doc == "" {
		// The version this resource wrote: its document is the one rendered for the roles in state.
		st.AssumeRolePolicyDocument = plannedAssumeDocument(ctx, st.AssumableRoleARNs, st.AssumeRolePolicyDocument, &diags)
	} else {
		// The document as RAM holds it: edited outside Terraform, the plan shows it being written back.
		st.AssumeRolePolicyDocument = equivalentOr(st.AssumeRolePolicyDocument, doc)
	}
	if !held {
		st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringNull(), types.StringNull()
	}
	return diags
}

// managedPolicyName derives the managed policy's name from the user name. Policy names allow only
// [A-Za-z0-9-]; when the user name had to be changed to fit, a short hash keeps "a.b" and "a_b" apart.
func managedPolicyName(userName string) string {
	return managedAssumePolicyName("AssumeRole-", userName)
}

// The managed policy is also the user's witness (see ramclient's marker.go): it is created before the user,
// with a marker naming the user and fingerprinting the user's profile arguments, and bound to the user's ID
// once the user exists. A policy of that name without this marker was made by someone else: it is never
// adopted, rewritten or deleted, and the user is not created (the error says so).

// witnessMarker is the marker of the user's managed policy: the user, and what the user is created with.
func witnessMarker(m *delegatedUserModel) ramclient.Marker {
	return ramclient.Marker{Owner: "aliram_delegated_user/" + m.Name.ValueString(), Config: []string{
		m.DisplayName.ValueString(), m.Email.ValueString(), m.MobilePhone.ValueString(), m.Comments.ValueString()}}
}

// managedPolicyInput is the CreatePolicy of the user's managed policy allowing sts:AssumeRole on arns.
func managedPolicyInput(m *delegatedUserModel, arns []string) (ramclient.CreatePolicyInput, error) {
	user := m.Name.ValueString()
	doc, err := renderAssumeRolePolicy(arns)
	if err != nil {
		return ramclient.CreatePolicyInput{}, fmt.Errorf("building the assume-role policy: %w", err)
	}
	return ramclient.CreatePolicyInput{
		Name:        managedPolicyName(user),
		Document:    doc,
		Description: fmt.Sprintf("Managed by Terraform (aliram_delegated_user %s): allows sts:AssumeRole on the roles this user may assume.", user),
		Marker:      witnessMarker(m),
	}, nil
}

// foreignPolicyHint is the advice when the managed policy's name is taken by a policy someone else made.
func foreignPolicyHint(err error, policyName, user string) string {
	var notOurs *ramclient.NotCreatedHereError
	if !errors.As(err, &notOurs) {
		return ""
	}
	return fmt.Sprintf("This resource gives user %q a managed policy named %q, and a policy of that name already exists "+
		"that this provider did not create for the user. It is left as it is: neither adopted, rewritten nor deleted. "+
		"Delete or rename that policy if it is not needed, or give the user another name.", user, policyName)
}

// grantAssumeRole makes the user's sts:AssumeRole grant match arns (old: managed policies to drop), records it
// in st and in private state, and saves the state at once, so a later failure of the same apply leaves the
// grant known to the next one. witness is the managed policy when Create made (or adopted) it already; fresh
// says the user was created just now (not adopted), so it holds no policy yet.
func (r *delegatedUserResource) grantAssumeRole(ctx context.Context, name string, arns, old []string, planARNs types.Set,
	witness *ramclient.Policy, fresh bool, st *delegatedUserModel, private privateStore, state *tfsdk.State, diags *diag.Diagnostics) {
	pName, pType, version, err := r.syncAssumePolicy(ctx, st, arns, old, witness, fresh)
	recordGrant(ctx, name, pName, pType, version, err, planARNs, st, private, state, diags)
}

// recordGrant is grantAssumeRole's second half: it records what syncAssumePolicy did, or its error.
func recordGrant(ctx context.Context, name, pName, pType, version string, err error, planARNs types.Set,
	st *delegatedUserModel, private privateStore, state *tfsdk.State, diags *diag.Diagnostics) {
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Granting sts:AssumeRole to RAM user %q", name), err, foreignPolicyHint(err, managedPolicyName(name), name))
		return
	}
	st.AssumableRoleARNs = planARNs
	st.AssumeRolePolicyName, st.AssumeRolePolicyType = types.StringValue(pName), types.StringValue(pType)
	st.AssumeRolePolicyDocument = plannedAssumeDocument(ctx, planARNs, st.AssumeRolePolicyDocument, diags)
	diags.Append(setPolicyVersion(ctx, private, version)...)
	diags.Append(markCreatedNow(ctx, private, createdAssumePolicy)...)
	diags.Append(state.Set(ctx, st)...)
}

// syncAssumePolicy makes the user hold exactly one policy granting sts:AssumeRole: the managed custom policy
// for arns, or the system policy when arns is empty. The new grant is attached before the old one is removed,
// so the user never loses access in between. old lists managed policy names to remove if no longer wanted
// (and which this resource made: the state tracks them). A fresh user (just created, not adopted) holds no
// policy: its list is not read, which saves a call per user on a large apply.
func (r *delegatedUserResource) syncAssumePolicy(ctx context.Context, st *delegatedUserModel, arns, old []string, witness *ramclient.Policy,
	fresh bool) (name, pType, version string, err error) {
	user := st.Name.ValueString()
	var attached []ramclient.AttachedPolicy
	if !fresh {
		if attached, err = r.client.ListPoliciesForUser(ctx, user); err != nil {
			return "", "", "", err
		}
	}
	attach := func(t, n string) error {
		if ramclient.FindAttached(attached, t, n) != nil {
			return nil
		}
		return r.client.AttachPolicyToUser(ctx, user, t, n) // attaching what is attached succeeds
	}

	if len(arns) > 0 {
		in, err := managedPolicyInput(st, arns)
		if err != nil {
			return "", "", "", err
		}
		name, pType = in.Name, policyTypeCustom
		tracked := false
		for _, o := range old {
			tracked = tracked || strings.EqualFold(o, name)
		}
		if version, err = ensureManagedPolicy(ctx, r.client, in, tracked, witness); err != nil {
			return "", "", "", err
		}
		if err := attach(policyTypeCustom, name); err != nil {
			return "", "", "", err
		}
		if ramclient.FindAttached(attached, policyTypeSystem, stsAssumeRoleSystemPolicy) != nil {
			if err := r.client.DetachPolicyFromUser(ctx, user, policyTypeSystem, stsAssumeRoleSystemPolicy); err != nil && !ramclient.IsNotFound(err) {
				return "", "", "", err
			}
		}
	} else {
		name, pType = stsAssumeRoleSystemPolicy, policyTypeSystem
		if err := attach(policyTypeSystem, name); err != nil {
			return "", "", "", err
		}
	}
	for _, o := range old {
		if pType == policyTypeCustom && strings.EqualFold(o, name) {
			continue
		}
		if err := r.client.DetachPolicyFromUser(ctx, user, policyTypeCustom, o); err != nil && !ramclient.IsNotFound(err) {
			return "", "", "", err
		}
		if err := deleteManagedPolicy(ctx, r.client, o); err != nil {
			return "", "", "", err
		}
	}
	return name, pType, version, nil
}

// deleteManagedPolicy deletes the user's managed policy (deleteManagedPolicy).
func (r *delegatedUserResource) deleteManagedPolicy(ctx context.Context, name string) error {
	return deleteManagedPolicy(ctx, r.client, name)
}
