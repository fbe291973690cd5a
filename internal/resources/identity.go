package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Import and resource identity, shared by the resources identified by a name.

// importingKey marks, in private state, a Read that follows an import: only then are tags read even though
// the state does not track them yet.
const importingKey = "importing"

// nameIdentityModel is the resource identity of a resource identified by its name (role, policy, user).
type nameIdentityModel struct {
	Name types.String `tfsdk:"name"`
}

// setNameIdentity records the identity of a resource identified by its name.
func setNameIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, name string, diags *diag.Diagnostics) {
	if id == nil {
		return // the CLI does not support resource identity
	}
	diags.Append(id.Set(ctx, nameIdentityModel{Name: types.StringValue(name)})...)
}
