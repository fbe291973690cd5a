package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

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

// nameIdentitySchema is the identity schema of a resource identified by its name; desc says what the name is.
func nameIdentitySchema(desc string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"name": identityschema.StringAttribute{RequiredForImport: true, Description: desc},
		},
	}
}

// importByName imports a resource whose import ID (and id attribute) is its name, by ID or by identity, and
// marks the Read that follows as an import's (importingKey).
func importByName(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("name"), req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, []byte(`true`))...)
}

// removeGone ends the Read of a resource identified by name whose object RAM no longer has: a warning, and
// the resource dropped from state. The identity is kept on removal: a CLI without identity support
// (Terraform 1.11) stored none, and the framework refuses a Read that ends with no identity, even one that
// drops the resource.
func removeGone(ctx context.Context, resp *resource.ReadResponse, what, name string) {
	notFoundWarning(&resp.Diagnostics, what)
	setNameIdentity(ctx, resp.Identity, name, &resp.Diagnostics)
	resp.State.RemoveResource(ctx)
}
