package resources

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// delegatedUserConfig builds a configuration with every attribute null except the given ones.
func delegatedUserConfig(t *testing.T, set map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	NewDelegatedUserResource().Schema(ctx, resource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		vals[name] = v
	}
	return tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, vals)}
}

// objectOf returns the attribute's object type with the given attributes set and the others null.
func objectOf(t *testing.T, attr string, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	cfg := delegatedUserConfig(t, nil)
	ot := cfg.Raw.Type().(tftypes.Object).AttributeTypes[attr].(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range ot.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		vals[name] = v
	}
	return tftypes.NewValue(ot, vals)
}

// Both access modes on one user are allowed but warned about at plan time (Alibaba Cloud recommends one).
func TestDelegatedUserValidateConfig_bothAccessModesWarn(t *testing.T) {
	name := tftypes.NewValue(tftypes.String, "alice")
	console := objectOf(t, "console_login", map[string]tftypes.Value{"password": tftypes.NewValue(tftypes.String, "Initial-Passw0rd")})
	programmatic := objectOf(t, "programmatic_access", nil)

	for label, tc := range map[string]struct {
		set      map[string]tftypes.Value
		wantWarn bool
	}{
		"console only":      {map[string]tftypes.Value{"name": name, "console_login": console}, false},
		"programmatic only": {map[string]tftypes.Value{"name": name, "programmatic_access": programmatic}, false},
		"both":              {map[string]tftypes.Value{"name": name, "console_login": console, "programmatic_access": programmatic}, true},
	} {
		t.Run(label, func(t *testing.T) {
			var resp resource.ValidateConfigResponse
			r := NewDelegatedUserResource().(resource.ResourceWithValidateConfig)
			r.ValidateConfig(context.Background(), resource.ValidateConfigRequest{Config: delegatedUserConfig(t, tc.set)}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("unexpected error: %v", resp.Diagnostics)
			}
			warns := resp.Diagnostics.Warnings()
			if got := len(warns) > 0; got != tc.wantWarn {
				t.Fatalf("warning = %v, want %v (%v)", got, tc.wantWarn, warns)
			}
			if tc.wantWarn && !strings.Contains(warns[0].Summary()+warns[0].Detail(), "access mode") {
				t.Errorf("the warning does not explain itself: %q / %q", warns[0].Summary(), warns[0].Detail())
			}
		})
	}
}
