package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An argument that comes from a resource is unknown while planning; read as unset it would make the
// provider fall back to the environment's credentials or the real endpoints, so each one is refused.
func TestResolveSettingsRefusesUnknownArguments(t *testing.T) {
	endpointTypes := map[string]attr.Type{"ram": types.StringType, "sts": types.StringType}
	endpoints := types.ListValueMust(types.ObjectType{AttrTypes: endpointTypes}, []attr.Value{
		types.ObjectValueMust(endpointTypes, map[string]attr.Value{"ram": types.StringUnknown(), "sts": types.StringNull()}),
	})
	m := providerModel{
		Region: types.StringNull(), AccessKey: types.StringNull(), SecretKey: types.StringNull(),
		SecurityToken: types.StringNull(), Profile: types.StringNull(), SharedCredentialsFile: types.StringNull(),
		ECSRoleName: types.StringUnknown(), MaxRetries: types.Int64Unknown(), ExpectedAccountID: types.StringNull(),
		AssumeRole: types.ListNull(types.ObjectType{AttrTypes: map[string]attr.Type{}}),
		Endpoints:  endpoints,
	}
	s, diags := resolveSettings(context.Background(), m)
	if s != nil || !diags.HasError() {
		t.Fatalf("expected an error and no settings, got %+v, %v", s, diags)
	}
	var got []string
	for _, d := range diags.Errors() {
		got = append(got, d.Detail()[:strings.Index(d.Detail(), " ")])
	}
	if want := "ecs_role_name endpoints[0].ram max_retries"; strings.Join(got, " ") != want {
		t.Fatalf("refused %v, want %s", got, want)
	}
}
