package policy

import (
	"context"
	"errors"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var errTODO = errors.New("not implemented yet")

func Normalize(doc string) (string, error)      { return "", errTODO }
func Equal(a, b string) bool                    { return a == b }
func ValidatePermissionPolicy(doc string) error { return nil }
func ValidateTrustPolicy(doc string) error      { return nil }

type TrustSpec struct {
	AccountIDs    []string
	PrincipalARNs []string
	ExternalID    string
	RequireMFA    bool
	SourceIPs     []string
	ValidUntil    string
}

func BuildTrustPolicy(s TrustSpec) (string, error) { return "", errTODO }

type Statement struct {
	Sid        string
	Effect     string
	Actions    []string
	NotActions []string
	Resources  []string
	Conditions []Condition
}

type Condition struct {
	Test, Variable string
	Values         []string
}

func RenderPolicy(statements []Statement) (string, error) { return "", errTODO }

var AccountIDPattern = regexp.MustCompile(`^[0-9]{16}$`)

func ParseRoleARN(arn string) (accountID, roleName string, err error) { return "", "", errTODO }
func ParsePrincipalARN(arn string) (accountID, kind, name string, err error) {
	return "", "", "", errTODO
}

type DocumentType struct{ basetypes.StringType }

func (t DocumentType) String() string                       { return "policy.DocumentType" }
func (t DocumentType) ValueType(context.Context) attr.Value { return DocumentValue{} }
func (t DocumentType) Equal(o attr.Type) bool               { _, ok := o.(DocumentType); return ok }
func (t DocumentType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return DocumentValue{StringValue: in}, nil
}
func (t DocumentType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	return DocumentValue{StringValue: v.(basetypes.StringValue)}, nil
}

type DocumentValue struct{ basetypes.StringValue }

func (v DocumentValue) Type(context.Context) attr.Type { return DocumentType{} }
func (v DocumentValue) Equal(o attr.Value) bool {
	other, ok := o.(DocumentValue)
	return ok && v.StringValue.Equal(other.StringValue)
}
func (v DocumentValue) StringSemanticEquals(_ context.Context, n basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, ok := n.(DocumentValue)
	return ok && Equal(o.ValueString(), v.ValueString()), nil
}

func NewDocumentValue(s string) DocumentValue { return DocumentValue{basetypes.NewStringValue(s)} }
func NewDocumentNull() DocumentValue          { return DocumentValue{basetypes.NewStringNull()} }
func NewDocumentUnknown() DocumentValue       { return DocumentValue{basetypes.NewStringUnknown()} }
