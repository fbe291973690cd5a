package resources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// Import and resource identity, shared by every resource.
//
// A resource's identity is the account ID of its provider block beside what RAM names the object by
// (role or policy or user name; role, policy type and name for an attachment): the same name can exist in two
// accounts, and an identity that left the account out would call both the same object. account_id is optional
// in an import block (it defaults to the block's own account); when given, it must be that account, since a
// provider block can only ever read and write the account of its credentials.

// importingKey marks, in private state, a Read that follows an import: only then are tags read even though
// the state does not track them yet.
const importingKey = "importing"

// identityAccountAttr is the identity attribute holding the account ID.
const identityAccountAttr = "account_id"

// identityVersion is the version of every identity schema: 0 had no account_id (upgradeIdentity).
const identityVersion = 1

// identityAttr is one identity attribute beside account_id: its name and what it holds.
type identityAttr struct{ name, desc string }

// identitySchema is the identity schema of a resource whose identity is account_id plus attrs.
func identitySchema(attrs ...identityAttr) identityschema.Schema {
	s := identityschema.Schema{
		Version: identityVersion,
		Attributes: map[string]identityschema.Attribute{
			identityAccountAttr: identityschema.StringAttribute{
				OptionalForImport: true,
				Description: "ID of the Alibaba Cloud account the object lives in: the account of the provider " +
					"block's credentials. Optional in an import block, where it defaults to that account; when given, " +
					"it must be that account.",
			},
		},
	}
	for _, a := range attrs {
		s.Attributes[a.name] = identityschema.StringAttribute{RequiredForImport: true, Description: a.desc}
	}
	return s
}

// nameIdentitySchema is the identity schema of a resource identified by its name; desc says what the name is.
func nameIdentitySchema(desc string) identityschema.Schema {
	return identitySchema(identityAttr{"name", desc})
}

// setIdentity records an identity: the block's account ID and values (attribute name to value).
func setIdentity(ctx context.Context, c *ramclient.Client, id *tfsdk.ResourceIdentity, values map[string]string, diags *diag.Diagnostics) {
	if id == nil {
		return // the CLI does not support resource identity
	}
	account, err := c.AccountID(ctx) // cached by the client: one GetCallerIdentity per provider block
	if err != nil {
		addAPIError(diags, "Reading the account ID of the provider block for the resource identity", err, "")
		return
	}
	if id.Raw.Type() == nil { // an identity upgrade's response starts without a value
		id.Raw = tftypes.NewValue(id.Schema.Type().TerraformType(ctx), nil)
	}
	diags.Append(id.SetAttribute(ctx, path.Root(identityAccountAttr), account)...)
	for k, v := range values {
		diags.Append(id.SetAttribute(ctx, path.Root(k), v)...)
	}
}

// setNameIdentity records the identity of a resource identified by its name.
func setNameIdentity(ctx context.Context, c *ramclient.Client, id *tfsdk.ResourceIdentity, name string, diags *diag.Diagnostics) {
	setIdentity(ctx, c, id, map[string]string{"name": name}, diags)
}

// importIdentity reads the attributes of an import block's identity and checks its account_id against the
// block's account: values maps each attribute to its value; ok is false after an error.
func importIdentity(ctx context.Context, c *ramclient.Client, resourceType string, req resource.ImportStateRequest, diags *diag.Diagnostics, attrs ...string) (values map[string]string, ok bool) {
	var given types.String
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(identityAccountAttr), &given)...)
	values = map[string]string{}
	for _, a := range attrs {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(a), &v)...)
		values[a] = v.ValueString()
	}
	if diags.HasError() {
		return nil, false
	}
	if given.IsNull() || given.IsUnknown() {
		return values, true
	}
	if err := policy.ValidateAccountID(given.ValueString()); err != nil {
		diags.AddAttributeError(path.Root(identityAccountAttr), "Invalid account_id in the import identity", err.Error())
		return nil, false
	}
	account, err := c.AccountID(ctx)
	if err != nil {
		addAPIError(diags, "Reading the account ID of the provider block to check the import identity", err, "")
		return nil, false
	}
	if given.ValueString() != account {
		diags.AddAttributeError(path.Root(identityAccountAttr), "Import identity names another account",
			fmt.Sprintf("The identity's account_id is %s, but this %s's provider block has the credentials of account %s, "+
				"and it can only import objects of that account. Give the resource the provider block of account %s "+
				"(provider = ...), or correct account_id (or leave it out: it defaults to the block's account).",
				given.ValueString(), resourceType, account, given.ValueString()))
		return nil, false
	}
	return values, true
}

// importByName imports a resource whose import ID (and id attribute) is its name, by ID or by identity, and
// marks the Read that follows as an import's (importingKey).
func importByName(ctx context.Context, c *ramclient.Client, resourceType string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := req.ID
	if name == "" && req.Identity != nil {
		values, ok := importIdentity(ctx, c, resourceType, req, &resp.Diagnostics, "name")
		if !ok {
			return
		}
		name = values["name"]
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	setNameIdentity(ctx, c, resp.Identity, name, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, []byte(`true`))...)
}

// upgradeIdentity upgrades an identity of version 0 (attrs, no account_id) to the current one: the account
// ID is the block's, the only account a resource of it can live in. c is called when the upgrade runs, after
// the provider is configured.
func upgradeIdentity(c func() *ramclient.Client, attrs ...string) map[int64]resource.IdentityUpgrader {
	prior := identityschema.Schema{Attributes: map[string]identityschema.Attribute{}}
	for _, a := range attrs {
		prior.Attributes[a] = identityschema.StringAttribute{RequiredForImport: true}
	}
	return map[int64]resource.IdentityUpgrader{0: {
		PriorSchema: &prior,
		IdentityUpgrader: func(ctx context.Context, req resource.UpgradeIdentityRequest, resp *resource.UpgradeIdentityResponse) {
			values := map[string]string{}
			for _, a := range attrs {
				var v types.String
				resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(a), &v)...)
				values[a] = v.ValueString()
			}
			if resp.Diagnostics.HasError() {
				return
			}
			client := c()
			if client == nil {
				resp.Diagnostics.AddError("Cannot upgrade the resource identity",
					"The provider is not configured yet, so the account ID to add to the stored identity is unknown. This is a bug in the provider; please report it.")
				return
			}
			setIdentity(ctx, client, resp.Identity, values, &resp.Diagnostics)
		},
	}}
}
