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

// tagsAttribute is the tags schema of roles and policies (RAM allows 20 tags per resource).
func tagsAttribute(kind string) schema.MapAttribute {
	return schema.MapAttribute{
		ElementType: types.StringType,
		Optional:    true,
		MarkdownDescription: fmt.Sprintf("Tags of the %s (at most 20; keys 1–128 characters, not starting with `aliyun`, `acs:`, `http://` or `https://`; values up to 128). "+
			"Tags are read back from RAM only while this argument is set (or right after an import), so a plain "+
			"refresh of an untagged %s costs a single API call; tags added outside Terraform to a %s whose "+
			"configuration has no `tags` are not detected.", kind, kind, kind),
		Validators: []validator.Map{
			mapvalidator.SizeAtMost(20),
			mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 128), policy.StringValidator(
				`must not start with "aliyun", "acs:", "http://" or "https://" (reserved by Alibaba Cloud)`, checkTagKey)),
			mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(128)),
		},
	}
}

// applyTags moves the remote tags from old (what the state tracks) to want: keys no longer wanted are
// removed, new or changed ones set. Tags the state never tracked are left alone.
func applyTags(ctx context.Context, c *ramclient.Client, resourceType, name string, old, want types.Map) error {
	oldTags, wantTags := mapOfStrings(old), mapOfStrings(want)
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

// checkTagKey rejects the prefixes RAM reserves for its own tags.
func checkTagKey(k string) error {
	lk := strings.ToLower(k)
	for _, p := range []string{"aliyun", "acs:", "http://", "https://"} {
		if strings.HasPrefix(lk, p) {
			return fmt.Errorf("tag key %q starts with %q, which Alibaba Cloud reserves", k, p)
		}
	}
	return nil
}

// saveThenTag ends the Create of a taggable entity (role or policy): the entity is saved to state, with its
// identity, before it is tagged. If tagging fails, the entity is already in state (tainted) and the next apply
// replaces it, instead of failing on EntityAlreadyExists for an orphan the state does not know.
func saveThenTag(ctx context.Context, c *ramclient.Client, resp *resource.CreateResponse, kind, name string,
	state any, setTags func(types.Map), want types.Map) {
	setTags(types.MapNull(types.StringType))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	setNameIdentity(ctx, resp.Identity, name, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := applyTags(ctx, c, kind, name, types.MapNull(types.StringType), want); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Tagging RAM %s %q", kind, name), err, fmt.Sprintf(
			"The %s was created but its tags could not be set. It is kept in the state as tainted; the next apply replaces it with a correctly tagged %s.", kind, kind))
		return
	}
	setTags(want)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
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
	setNameIdentity(ctx, resp.Identity, name, &resp.Diagnostics)
}

// readTags returns the tags to keep in state: read from RAM only when the state tracks tags (or after an
// import), so an untagged resource refreshes with one API call.
func readTags(ctx context.Context, c *ramclient.Client, resourceType, name string, current types.Map, force bool) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	if current.IsNull() && !force {
		return current, diags
	}
	tags, err := c.ListTags(ctx, resourceType, name)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Reading the tags of RAM %s %q", resourceType, name), err, "")
		return current, diags
	}
	if len(tags) == 0 && current.IsNull() {
		return current, diags
	}
	m, d := types.MapValueFrom(ctx, types.StringType, tags)
	diags.Append(d...)
	return m, diags
}
