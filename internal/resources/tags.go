package resources

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// Tags of roles and custom policies, shared by aliram_cross_account_role and aliram_policy.

// maxUserTags is how many tags a configuration may give a role or policy: RAM allows 20 per resource, and
// one of them is the provider's marker (ramclient.MarkerTagKey), written at creation as proof of authorship.
const maxUserTags = 19

// tagsAttribute is the tags schema of roles and policies.
func tagsAttribute(kind string) schema.MapAttribute {
	return schema.MapAttribute{
		ElementType: types.StringType,
		Optional:    true,
		MarkdownDescription: fmt.Sprintf("Tags of the %s (at most 19; keys 1–128 characters, not starting with `aliyun`, `acs:`, `http://`, `https://` or `aliram:`; values up to 256), "+
			"set in the same call that creates the %s. "+
			"Tags are read back from RAM only while this argument is set (or right after an import), so a plain "+
			"refresh of an untagged %s costs a single API call; tags added outside Terraform to a %s whose "+
			"configuration has no `tags` are not detected. Tags Alibaba Cloud adds itself (`acs:` and `aliyun` keys) "+
			"never show here. Neither does the provider's own `%s` tag, its proof of having created the %s (see "+
			"*Interrupted applies*), which takes the 20th of RAM's 20 tags.", kind, kind, kind, kind, ramclient.MarkerTagKey, kind),
		Validators: []validator.Map{
			mapvalidator.SizeAtMost(maxUserTags),
			mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 128), policy.StringValidator(
				`must not start with "aliyun", "acs:", "http://", "https://" (reserved by Alibaba Cloud) or "aliram:" (reserved by this provider)`, checkTagKey)),
			mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(256)),
		},
	}
}

// markerDoc is the documentation of the marker that proves a role or policy was created by this resource.
func markerDoc(kind string) string {
	return fmt.Sprintf("**Interrupted applies.** The %[1]s is created together with its tags and a marker tag, `%[2]s`, "+
		"whose value names this resource type and fingerprints the arguments the %[1]s is created with. When an apply "+
		"dies after RAM created the %[1]s but before the state was saved (`kill -9`, a cancelled CI job), or the "+
		"answer to the create is lost, the next apply finds the %[1]s, recognises its own marker and takes the %[1]s "+
		"over: no duplicate and no manual step. A %[1]s of the same name without that marker (made by someone else, "+
		"by another configuration, or by this one before its arguments changed) is never taken over: the apply fails "+
		"and names the `import` block that brings it under management. The marker is not part of `tags`, and tag "+
		"changes leave it alone.", kind, ramclient.MarkerTagKey)
}

// applyTags moves the remote tags from old (what the state tracks) to want: keys no longer wanted are
// removed, new or changed ones set. Tags the state never tracked are left alone.
func applyTags(ctx context.Context, c *ramclient.Client, resourceType, name string, old, want types.Map) error {
	return moveTags(ctx, c, resourceType, name, mapOfStrings(old), mapOfStrings(want))
}

// moveTags is applyTags on plain maps.
func moveTags(ctx context.Context, c *ramclient.Client, resourceType, name string, oldTags, wantTags map[string]string) error {
	var remove []string
	for k := range oldTags {
		if _, ok := wantTags[k]; !ok {
			remove = append(remove, k)
		}
	}
	set := map[string]string{}
	for k, v := range wantTags {
		if ov, ok := oldTags[k]; !ok || ov != v {
			set[k] = v
		}
	}
	if len(remove) > 0 {
		sort.Strings(remove)
		if err := c.UntagResource(ctx, resourceType, name, remove); err != nil {
			return err
		}
	}
	if len(set) > 0 {
		if err := c.TagResource(ctx, resourceType, name, set); err != nil {
			return err
		}
	}
	return nil
}

func mapOfStrings(m types.Map) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}

// checkTagKey rejects the prefixes RAM reserves for its own tags, and the provider's own.
func checkTagKey(k string) error {
	lk := strings.ToLower(k)
	for _, p := range []string{"aliyun", "acs:", "http://", "https://", ramclient.ProviderTagPrefix} {
		if strings.HasPrefix(lk, p) {
			owner := "Alibaba Cloud"
			if p == ramclient.ProviderTagPrefix {
				owner = "this provider"
			}
			return fmt.Errorf("tag key %q starts with %q, which %s reserves", k, p, owner)
		}
	}
	return nil
}

// finishTaggedRead ends the Read of a role or policy: tags are read (only when tracked, see tagsAttribute), the
// one-shot private markers (import, recent creation) are cleared, and the state and identity are written.
func finishTaggedRead(ctx context.Context, c *ramclient.Client, resp *resource.ReadResponse, kind, name string,
	importing, recent bool, state any, tags *types.Map) {
	read, diags := readTags(ctx, c, kind, name, *tags, importing)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	*tags = read
	if importing {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, nil)...)
	}
	if recent {
		resp.Diagnostics.Append(clearCreatedAt(ctx, resp.Private)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	setNameIdentity(ctx, c, resp.Identity, name, &resp.Diagnostics)
}

// readTags returns the tags to keep in state: read from RAM only when the state tracks tags (or after an
// import), so an untagged resource refreshes with one API call.
func readTags(ctx context.Context, c *ramclient.Client, resourceType, name string, current types.Map, force bool) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	if current.IsNull() && !force {
		return current, diags
	}
	all, err := c.ListTags(ctx, resourceType, name)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Reading the tags of RAM %s %q", resourceType, name), err, "")
		return current, diags
	}
	// Alibaba Cloud's own tags (acs:..., aliyun...) and the provider's marker are nobody's configuration.
	tags := ramclient.UserTags(all)
	if len(tags) == 0 && current.IsNull() {
		return current, diags
	}
	m, d := types.MapValueFrom(ctx, types.StringType, tags)
	diags.Append(d...)
	return m, diags
}
