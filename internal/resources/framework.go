package resources

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Small helpers around the plugin framework's types, shared by the resources.

// tfsdkConfig is the part of tfsdk.Config a resource reads single attributes (write-only ones) from.
type tfsdkConfig interface {
	GetAttribute(ctx context.Context, p path.Path, target interface{}) diag.Diagnostics
}

// privateGetter and privateSetter are the halves of a resource's private state (request and response).
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateStore is the private state a Create or Update may read and write.
type privateStore interface {
	privateGetter
	privateSetter
}

// stringSet returns the elements of a known set of strings, sorted; nil for a null or unknown set.
func stringSet(ctx context.Context, s types.Set) ([]string, diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return nil, nil
	}
	var out []string
	diags := s.ElementsAs(ctx, &out, false)
	sort.Strings(out)
	return out, diags
}

// setFullyKnown reports whether the set and every element of it are known.
func setFullyKnown(s types.Set) bool {
	if s.IsUnknown() {
		return false
	}
	for _, e := range s.Elements() {
		if e.IsUnknown() {
			return false
		}
	}
	return true
}

// objectOrNil decodes a known, non-null object into T; nil otherwise.
func objectOrNil[T any](ctx context.Context, o types.Object, diags *diag.Diagnostics) *T {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var v T
	diags.Append(o.As(ctx, &v, basetypes.ObjectAsOptions{})...)
	return &v
}

// attrTypesOf is the attribute types of a nested attribute's object, derived from its schema: what a model
// of it is encoded as (objectFrom) and what its null and unknown values are made of.
func attrTypesOf(a schema.SingleNestedAttribute) map[string]attr.Type {
	return a.GetType().(types.ObjectType).AttrTypes
}

// objectFrom encodes v as an object of attrTypes.
func objectFrom(ctx context.Context, attrTypes map[string]attr.Type, v any, diags *diag.Diagnostics) types.Object {
	o, d := types.ObjectValueFrom(ctx, attrTypes, v)
	diags.Append(d...)
	return o
}

// optionalString maps RAM's empty string ("not set") to null.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// stableComputedString is a computed attribute RAM sets once (an ID, an ARN, a creation date): the plan keeps
// the state's value rather than showing "known after apply" on every update.
func stableComputedString(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: description,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}
