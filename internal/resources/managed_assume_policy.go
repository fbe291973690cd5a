package resources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// The managed least-privilege AssumeRole policy, shared by aliram_delegated_user and aliram_delegated_role:
// a custom policy of B that allows sts:AssumeRole on exactly the given role ARNs of A, created with its
// owner's marker, rewritten as a new default version when the set changes, and read back only when someone
// else wrote a newer version (the version this resource wrote is kept in private state).

// managedAssumePolicyName derives the managed policy's name from its holder's name. Policy names allow only
// [A-Za-z0-9-]; when the name had to be changed to fit, a short hash keeps "a.b" and "a_b" apart.
func managedAssumePolicyName(prefix, holder string) string {
	safe := policyNameUnsafe.ReplaceAllString(holder, "-")
	n := prefix + safe
	if safe != holder {
		sum := sha256.Sum256([]byte(holder))
		n += "-" + hex.EncodeToString(sum[:4])
	}
	return n // at most 16 + 64 + 9 characters, well within RAM's 128
}

// checkManagedAssumeGrant looks at the attached managed policy ap of a holder whose state allows current: when
// its default version is the one this resource wrote, nothing is read. Otherwise the document is read: arns
// are the role ARNs it allows when they differ from current (nil when they do not), and held is false when
// the document is no longer of this resource's shape (edited into something else), so that the plan rewrites it.
// doc is the document read ("" when none was).
func checkManagedAssumeGrant(ctx context.Context, c *ramclient.Client, ap *ramclient.AttachedPolicy, current types.Set, holder string,
	priv privateGetter, privOut privateSetter) (arns []string, held bool, doc string, diags diag.Diagnostics) {
	known, d := getPolicyVersion(ctx, priv)
	diags.Append(d...)
	if known != "" && known == ap.DefaultVersion {
		return nil, true, "", diags // the version we wrote: nothing to read
	}
	p, err := c.GetPolicy(ctx, ap.Name, policyTypeCustom)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Reading policy %q of %s", ap.Name, holder), err, "")
		return nil, true, "", diags
	}
	now, _ := stringSet(ctx, current)
	if rendered, err := renderAssumeRolePolicy(now); err == nil && policy.Equal(rendered, p.Document) {
		diags.Append(setPolicyVersion(ctx, privOut, p.DefaultVersion)...)
		return nil, true, p.Document, diags
	}
	extracted := assumableRolesFromDocument(p.Document)
	if again, err := renderAssumeRolePolicy(extracted); err == nil && policy.Equal(again, p.Document) {
		// A document of our own shape (e.g. after import): what it allows is now in state.
		diags.Append(setPolicyVersion(ctx, privOut, p.DefaultVersion)...)
		return extracted, true, p.Document, diags
	}
	tflog.Warn(ctx, "managed assume-role policy was changed outside Terraform", map[string]any{"policy_name": ap.Name})
	return extracted, false, p.Document, diags
}

func renderAssumeRolePolicy(arns []string) (string, error) {
	sorted := append([]string(nil), arns...)
	sort.Strings(sorted)
	return policy.RenderPolicy([]policy.Statement{{
		Effect:    "Allow",
		Actions:   []string{"sts:AssumeRole"},
		Resources: sorted,
	}})
}

// assumableRolesFromDocument lists the resources an Allow sts:AssumeRole statement of doc names.
func assumableRolesFromDocument(doc string) []string {
	var d struct {
		Statement []struct {
			Effect   string
			Action   json.RawMessage
			Resource json.RawMessage
		}
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return nil
	}
	strs := func(raw json.RawMessage) []string {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			return []string{one}
		}
		var many []string
		_ = json.Unmarshal(raw, &many)
		return many
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		assume := false
		for _, a := range strs(s.Action) {
			if strings.EqualFold(a, "sts:AssumeRole") {
				assume = true
			}
		}
		if !assume {
			continue
		}
		for _, res := range strs(s.Resource) {
			if !seen[res] {
				seen[res] = true
				out = append(out, res)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ensureManagedPolicy makes the managed policy hold in.Document, and returns its default version: known is
// the policy as Create made or adopted it; a policy the state tracks is read and written a new version when
// it differs; any other is created with its marker (an existing one is adopted only with that marker).
func ensureManagedPolicy(ctx context.Context, c *ramclient.Client, in ramclient.CreatePolicyInput, tracked bool, known *ramclient.Policy) (string, error) {
	p := known
	if p == nil && tracked {
		got, err := c.GetPolicy(ctx, in.Name, policyTypeCustom)
		switch {
		case err == nil:
			p = got
		case !ramclient.IsNotFound(err):
			return "", err
		}
	}
	if p == nil {
		created, err := c.CreatePolicy(ctx, in)
		if err != nil {
			return "", err
		}
		if !created.Adopted {
			return created.DefaultVersion, nil
		}
		p = created
	}
	if p.Document != "" && policy.Equal(p.Document, in.Document) {
		return p.DefaultVersion, nil
	}
	v, err := c.CreatePolicyVersion(ctx, in.Name, in.Document, true, true)
	if err != nil {
		return "", err
	}
	tflog.Info(ctx, "wrote new default version of the managed assume-role policy", map[string]any{"policy_name": in.Name, "version": v.ID})
	return v.ID, nil
}

// deleteManagedPolicy deletes a policy this resource manages with all its versions, detaching it from
// anyone else first. A policy already gone is fine.
func deleteManagedPolicy(ctx context.Context, c *ramclient.Client, name string) error {
	err := c.DeletePolicyWith(ctx, name, ramclient.DeletePolicyOptions{DetachEverywhere: true})
	if ramclient.IsNotFound(err) {
		return nil
	}
	return err
}

func getPolicyVersion(ctx context.Context, p privateGetter) (string, diag.Diagnostics) {
	if p == nil {
		return "", nil
	}
	raw, diags := p.GetKey(ctx, privateKeyPolicyVersion)
	if len(raw) == 0 {
		return "", diags
	}
	var v struct {
		Version string `json:"version"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Version, diags
}

func setPolicyVersion(ctx context.Context, p privateSetter, version string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if version == "" {
		return p.SetKey(ctx, privateKeyPolicyVersion, nil)
	}
	raw, _ := json.Marshal(map[string]string{"version": version})
	return p.SetKey(ctx, privateKeyPolicyVersion, raw)
}
