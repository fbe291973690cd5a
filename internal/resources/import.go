package resources

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// Identity schemas, identity upgrades and imports of every resource (identity.go has the shared parts). Each
// resource imports by the value of its own id attribute (an import block's id, or tofu import) and by an
// import block's identity.

// clientFunc returns the resource's client when called (an identity upgrade runs after Configure).
func (r *resourceWithClient) clientFunc() func() *ramclient.Client {
	return func() *ramclient.Client { return r.client }
}

// ---- aliram_cross_account_role, aliram_delegated_role, aliram_policy: id is the name ----

// importedByName is a resource whose id is the name of its RAM entity: identity, identity upgrade and import
// are the same for each of them but for the type name and what the identity's name names.
type importedByName struct {
	resourceWithClient
	nameDescribes string // the identity attribute's description: "Name of the policy."
}

func byName(typeName, nameDescribes string) importedByName {
	return importedByName{resourceWithClient{typeName: typeName}, nameDescribes}
}

func (r *importedByName) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = nameIdentitySchema(r.nameDescribes)
}

func (r *importedByName) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return upgradeIdentity(r.clientFunc(), "name")
}

func (r *importedByName) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByName(ctx, r.client, r.typeName, req, resp)
}

// ---- aliram_role_policy_attachment: id is <role_name>:<policy_type>:<policy_name> ----

var attachmentIdentityAttrs = []string{"role_name", "policy_type", "policy_name"}

func (r *rolePolicyAttachmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(
		identityAttr{"role_name", "Name of the role."},
		identityAttr{"policy_type", "System or Custom."},
		identityAttr{"policy_name", "Name of the policy."})
}

func (r *rolePolicyAttachmentResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return upgradeIdentity(r.clientFunc(), attachmentIdentityAttrs...)
}

func (r *rolePolicyAttachmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var m rolePolicyAttachmentModel
	if req.ID != "" {
		parts := strings.SplitN(req.ID, ":", 3)
		if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("%q is not <role_name>:<policy_type>:<policy_name>, for example kafka-ops:System:AliyunKafkaFullAccess.", req.ID))
			return
		}
		m.RoleName, m.PolicyType, m.PolicyName = types.StringValue(parts[0]), types.StringValue(parts[1]), types.StringValue(parts[2])
	} else {
		values, ok := importIdentity(ctx, r.client, r.typeName, req, &resp.Diagnostics, attachmentIdentityAttrs...)
		if !ok {
			return
		}
		m.RoleName, m.PolicyType, m.PolicyName = types.StringValue(values["role_name"]), types.StringValue(values["policy_type"]), types.StringValue(values["policy_name"])
	}
	switch strings.ToLower(m.PolicyType.ValueString()) {
	case "system":
		m.PolicyType = types.StringValue("System")
	case "custom":
		m.PolicyType = types.StringValue("Custom")
	default:
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("The policy type %q is neither System nor Custom.", m.PolicyType.ValueString()))
		return
	}
	m.ID = types.StringValue(attachmentID(m.RoleName.ValueString(), m.PolicyType.ValueString(), m.PolicyName.ValueString()))
	// No timeouts block yet: the null of its type, which the empty state being imported into holds.
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("timeouts"), &m.Timeouts)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setAttachmentIdentity(ctx, r.client, resp.Identity, m, &resp.Diagnostics)
}

func setAttachmentIdentity(ctx context.Context, c *ramclient.Client, id *tfsdk.ResourceIdentity, m rolePolicyAttachmentModel, diags *diag.Diagnostics) {
	setIdentity(ctx, c, id, map[string]string{
		"role_name": m.RoleName.ValueString(), "policy_type": m.PolicyType.ValueString(), "policy_name": m.PolicyName.ValueString(),
	}, diags)
}

// ---- aliram_role_policy_attachments_exclusive: id is the role name ----

func (r *rolePolicyAttachmentsExclusiveResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(identityAttr{"role_name", "Name of the role."})
}

func (r *rolePolicyAttachmentsExclusiveResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return upgradeIdentity(r.clientFunc(), "role_name")
}

func (r *rolePolicyAttachmentsExclusiveResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	role := req.ID
	if role == "" && req.Identity != nil {
		values, ok := importIdentity(ctx, r.client, r.typeName, req, &resp.Diagnostics, "role_name")
		if !ok {
			return
		}
		role = values["role_name"]
	}
	if err := policy.ValidateRoleName(role); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import an aliram_role_policy_attachments_exclusive by its role name: %v.", err))
		return
	}
	empty := types.SetValueMust(types.StringType, nil)
	m := rolePolicyAttachmentsExclusiveModel{ID: types.StringValue(role), RoleName: types.StringValue(role), SystemPolicies: empty, CustomPolicies: empty}
	// No timeouts block yet: the null of its type, which the empty state being imported into holds.
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("timeouts"), &m.Timeouts)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setRoleNameIdentity(ctx, r.client, resp.Identity, role, &resp.Diagnostics)
}

func setRoleNameIdentity(ctx context.Context, c *ramclient.Client, id *tfsdk.ResourceIdentity, role string, diags *diag.Diagnostics) {
	setIdentity(ctx, c, id, map[string]string{"role_name": role}, diags)
}

// ---- aliram_delegated_user: id is the user ID, the identity holds the user name ----

// userIDPattern is what RAM's user IDs look like: numeric strings of 15 to 19 digits.
var userIDPattern = regexp.MustCompile(`^[0-9]{15,19}$`)

func (r *delegatedUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = nameIdentitySchema("Name of the RAM user.")
}

func (r *delegatedUserResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return upgradeIdentity(r.clientFunc(), "name")
}

// ImportState takes the user name or the user ID (the value of id, which stays the ID for state
// compatibility and because it survives a rename). Read recognises the import by the null user_id.
func (r *delegatedUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := req.ID
	if name == "" && req.Identity != nil { // import by identity
		values, ok := importIdentity(ctx, r.client, r.typeName, req, &resp.Diagnostics, "name")
		if !ok {
			return
		}
		name = values["name"]
	} else if userIDPattern.MatchString(name) {
		resolved, ok := r.userNameForImportID(ctx, name, &resp.Diagnostics)
		if !ok {
			return
		}
		name = resolved
	}
	if err := policy.ValidateUserName(name); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import an aliram_delegated_user by its user ID (its id) or its user name: %v.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	setNameIdentity(ctx, r.client, resp.Identity, name, &resp.Diagnostics)
}

// userNameForImportID resolves an import ID that looks like a user ID. A user name may be all digits too,
// so a user of that name wins (one GetUser); otherwise the users are scanned for the ID (RAM has no GetUser
// by ID).
func (r *delegatedUserResource) userNameForImportID(ctx context.Context, id string, diags *diag.Diagnostics) (string, bool) {
	_, err := r.client.GetUser(ctx, id)
	if err == nil {
		return id, true
	}
	if !ramclient.IsNotFound(err) {
		addAPIError(diags, fmt.Sprintf("Reading RAM user %q to import it", id), err, "")
		return "", false
	}
	u, err := r.findUserByID(ctx, id)
	if err != nil {
		hint := ""
		if ramclient.IsPermission(err) {
			hint = "Importing by user ID needs ram:ListUsers; import by the user name instead."
		}
		addAPIError(diags, fmt.Sprintf("Looking for the RAM user with ID %s to import it", id), err, hint)
		return "", false
	}
	if u == nil {
		diags.AddError("Cannot import non-existent RAM user",
			fmt.Sprintf("This provider block's account has no RAM user with the ID %s, nor one named %s. Check the ID (the user's id or user_id) and that the resource uses the provider block of the user's account.", id, id))
		return "", false
	}
	return u.Name, true
}

// importedKey reports whether the AccessKey in state came with an import: no pgp_key and no secret, plain or
// encrypted (a key this resource created has one of the two). Its secret is with whoever holds it already,
// so a pgp_key the configuration sets is recorded without replacing the key.
func importedKey(k *programmaticAccessModel) bool {
	return k.PGPKey.IsNull() && k.AccessKeySecret.IsNull() && k.AccessKeySecretEncrypted.IsNull()
}
