package policy

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable                    = DocumentType{}
	_ basetypes.StringValuable                   = DocumentValue{}
	_ basetypes.StringValuableWithSemanticEquals = DocumentValue{}
	_ xattr.ValidateableAttribute                = DocumentValue{}
	_ function.ValidateableParameter             = DocumentValue{}
)

// DocumentType is the attribute type of policy documents: a JSON string whose semantic equality is Equal, so
// `"sts:AssumeRole"` vs `["sts:AssumeRole"]`, reordered principals/actions/resources, key order and whitespace
// never show as a diff, and the user's own spelling stays in state. Use as CustomType: policy.DocumentType{}.
type DocumentType struct {
	basetypes.StringType
}

func (t DocumentType) String() string { return "policy.DocumentType" }

func (t DocumentType) ValueType(context.Context) attr.Value { return DocumentValue{} }

func (t DocumentType) Equal(o attr.Type) bool {
	other, ok := o.(DocumentType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t DocumentType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return DocumentValue{StringValue: in}, nil
}

func (t DocumentType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return DocumentValue{StringValue: sv}, nil
}

// DocumentValue is a policy document value (see DocumentType).
type DocumentValue struct {
	basetypes.StringValue
}

func NewDocumentValue(s string) DocumentValue { return DocumentValue{basetypes.NewStringValue(s)} }
func NewDocumentNull() DocumentValue          { return DocumentValue{basetypes.NewStringNull()} }
func NewDocumentUnknown() DocumentValue       { return DocumentValue{basetypes.NewStringUnknown()} }

// NewDocumentPointerValue is null for nil, else known.
func NewDocumentPointerValue(s *string) DocumentValue {
	return DocumentValue{basetypes.NewStringPointerValue(s)}
}

func (v DocumentValue) Type(context.Context) attr.Type { return DocumentType{} }

func (v DocumentValue) Equal(o attr.Value) bool {
	other, ok := o.(DocumentValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals makes the framework keep the prior (user's) spelling when the new value means the same.
func (v DocumentValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	nv, ok := newValuable.(DocumentValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected value type %T, got %T. Please report this to the provider developers.", v, newValuable))
		return false, diags
	}
	if v.IsNull() || v.IsUnknown() || nv.IsNull() || nv.IsUnknown() {
		return false, diags
	}
	// Not valid documents: only identical text is equal (no error: the validators report it).
	a, b := v.ValueString(), nv.ValueString()
	return a == b || Equal(a, b), diags
}

// Normalized returns the canonical form of a known value.
func (v DocumentValue) Normalized() (string, error) {
	return Normalize(v.ValueString())
}

// ValidateAttribute rejects a value that is not a JSON object at plan time; the grammar of trust or permission
// policies is checked by TrustPolicyValidator/PermissionPolicyValidator, since the type does not know which.
func (v DocumentValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := decode(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Policy Document",
			fmt.Sprintf("The value of %s %s.", req.Path, trimPrefixDoc(err.Error())))
	}
}

func (v DocumentValue) ValidateParameter(_ context.Context, req function.ValidateParameterRequest, resp *function.ValidateParameterResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := decode(v.ValueString()); err != nil {
		resp.Error = function.NewArgumentFuncError(req.Position, "Invalid Policy Document: "+err.Error())
	}
}

// trimPrefixDoc turns "policy document is not valid JSON: x" into "is not valid JSON: x" for "The value of <path> ...".
func trimPrefixDoc(msg string) string {
	const p = "policy document "
	if len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}
