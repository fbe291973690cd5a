package policy

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestDocumentType(t *testing.T) {
	ctx := context.Background()
	typ := DocumentType{}
	if !typ.Equal(DocumentType{}) || typ.Equal(types.StringType) {
		t.Error("DocumentType.Equal")
	}
	if typ.String() != "policy.DocumentType" {
		t.Error(typ.String())
	}
	if _, ok := typ.ValueType(ctx).(DocumentValue); !ok {
		t.Error("ValueType")
	}
	for _, in := range []tftypes.Value{
		tftypes.NewValue(tftypes.String, `{"Version":"1"}`),
		tftypes.NewValue(tftypes.String, nil),
		tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
	} {
		v, err := typ.ValueFromTerraform(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		dv, ok := v.(DocumentValue)
		if !ok {
			t.Fatalf("got %T", v)
		}
		if in.IsNull() != dv.IsNull() || in.IsKnown() == dv.IsUnknown() {
			t.Errorf("null/unknown not kept for %v", in)
		}
		back, err := dv.ToTerraformValue(ctx)
		if err != nil || !back.Equal(in) {
			t.Errorf("round trip %v -> %v (%v)", in, back, err)
		}
	}
	if _, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Number, 1)); err == nil {
		t.Error("number accepted")
	}
	sv, diags := typ.ValueFromString(ctx, types.StringValue("x"))
	if diags.HasError() || sv.(DocumentValue).ValueString() != "x" {
		t.Error("ValueFromString")
	}
}

func TestDocumentValue(t *testing.T) {
	ctx := context.Background()
	a := NewDocumentValue(`{"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"}}]}`)
	b := NewDocumentValue(`{"Statement":[{"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]},"Action":["sts:AssumeRole"]}],"Version":"1"}`)
	c := NewDocumentValue(`{"Statement":[{"Effect":"Deny","Principal":{"RAM":["acs:ram::1000000000000002:root"]},"Action":["sts:AssumeRole"]}],"Version":"1"}`)
	if a.Equal(b) || !a.Equal(a) || a.Equal(types.StringValue(a.ValueString())) {
		t.Error("Equal must be exact and typed")
	}
	if _, ok := a.Type(ctx).(DocumentType); !ok {
		t.Error("Type")
	}
	for _, tc := range []struct {
		x, y DocumentValue
		want bool
	}{
		{a, b, true}, {b, a, true}, {a, c, false},
		{NewDocumentValue("{"), NewDocumentValue("{"), true}, // identical text, even if invalid
		{NewDocumentValue("{"), a, false},
		{NewDocumentNull(), a, false}, {a, NewDocumentUnknown(), false},
	} {
		got, diags := tc.x.StringSemanticEquals(ctx, tc.y)
		if diags.HasError() || got != tc.want {
			t.Errorf("StringSemanticEquals(%s, %s) = %v %v", tc.x, tc.y, got, diags)
		}
	}
	if _, diags := a.StringSemanticEquals(ctx, types.StringValue("x")); !diags.HasError() {
		t.Error("wrong value type not reported")
	}
	if n, err := a.Normalized(); err != nil || n != b.ValueString() {
		// b is not canonical (Action key order), compare via Normalize
		nb, _ := Normalize(b.ValueString())
		if n != nb {
			t.Errorf("Normalized = %s, %v", n, err)
		}
	}
	if NewDocumentPointerValue(nil).IsNull() != true {
		t.Error("pointer nil")
	}
}

func TestDocumentValueValidateAttribute(t *testing.T) {
	ctx := context.Background()
	p := path.Root("assume_role_policy")
	for _, tc := range []struct {
		v    DocumentValue
		want string
	}{
		{NewDocumentValue(`{"Version":"1"}`), ""},
		{NewDocumentNull(), ""},
		{NewDocumentUnknown(), ""},
		{NewDocumentValue(`{"Version":`), "The value of assume_role_policy is not valid JSON: unexpected end of input"},
		{NewDocumentValue(`["x"]`), "The value of assume_role_policy must be a JSON object, got a list."},
	} {
		resp := &xattr.ValidateAttributeResponse{}
		tc.v.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, resp)
		if tc.want == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%s: unexpected %v", tc.v, resp.Diagnostics)
			}
			continue
		}
		if resp.Diagnostics.ErrorsCount() != 1 {
			t.Fatalf("%s: want one error, got %v", tc.v, resp.Diagnostics)
		}
		d := resp.Diagnostics.Errors()[0]
		if !strings.Contains(d.Detail(), tc.want) {
			t.Errorf("detail %q does not contain %q", d.Detail(), tc.want)
		}
		if wp, ok := d.(interface{ Path() path.Path }); !ok || !wp.Path().Equal(p) {
			t.Errorf("diagnostic not tied to the attribute path")
		}

		fresp := &function.ValidateParameterResponse{}
		tc.v.ValidateParameter(ctx, function.ValidateParameterRequest{Position: 0}, fresp)
		if fresp.Error == nil {
			t.Errorf("%s: ValidateParameter accepted", tc.v)
		}
	}
}

func TestValidators(t *testing.T) {
	ctx := context.Background()
	p := path.Root("statement").AtListIndex(0).AtName("actions")
	run := func(v validator.String, s basetypes.StringValue) []string {
		resp := &validator.StringResponse{}
		v.ValidateString(ctx, validator.StringRequest{Path: p, ConfigValue: s}, resp)
		var out []string
		for _, d := range resp.Diagnostics.Errors() {
			out = append(out, d.Detail())
		}
		return out
	}
	if got := run(ActionValidator(), types.StringValue("mq PUB")); len(got) != 1 || !strings.HasPrefix(got[0], `statement[0].actions: "mq PUB" is not a valid action`) {
		t.Errorf("ActionValidator: %q", got)
	}
	if got := run(ActionValidator(), types.StringUnknown()); got != nil {
		t.Errorf("unknown validated: %q", got)
	}
	if got := run(ActionValidator(), types.StringNull()); got != nil {
		t.Errorf("null validated: %q", got)
	}
	// Several grammar problems give one diagnostic each.
	if got := run(PermissionPolicyValidator(), types.StringValue(`{"Version":"2","Statement":[]}`)); len(got) != 2 {
		t.Errorf("PermissionPolicyValidator: %q", got)
	}
	if got := run(TrustPolicyValidator(), types.StringValue(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)); len(got) != 1 ||
		got[0] != "statement[0].actions: Statement[0].Principal is required in a trust policy: name who may assume the role with RAM, Service or Federated" {
		t.Errorf("TrustPolicyValidator: %q", got)
	}
	if got := run(TrustPolicyValidator(), types.StringValue(validTrust)); got != nil {
		t.Errorf("TrustPolicyValidator: %q", got)
	}
	for _, v := range []validator.String{AccountIDValidator(), RoleNameValidator(), UserNameValidator(), PolicyNameValidator(), SessionNameValidator(),
		ExternalIDValidator(), PrincipalARNValidator(), RoleARNValidator(), IPOrCIDRValidator(), ValidUntilValidator(), ResourceValidator()} {
		if v.Description(ctx) == "" || v.MarkdownDescription(ctx) == "" {
			t.Error("validator without description")
		}
		if got := run(v, types.StringValue(" ")); len(got) != 1 {
			t.Errorf("%s accepted a blank: %q", v.Description(ctx), got)
		}
	}
}
