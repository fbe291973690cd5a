package resources

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// What every Read does with RAM's answer for the object a resource names: drop the resource when the object
// is gone, and keep the state's spelling of what RAM stores in another but equivalent form.

// removeGone ends the Read of a resource identified by name whose object RAM no longer has: a warning, and
// the resource dropped from state. The identity is kept on removal: a CLI without identity support
// (Terraform 1.11) stored none, and the framework refuses a Read that ends with no identity, even one that
// drops the resource.
func removeGone(ctx context.Context, c *ramclient.Client, resp *resource.ReadResponse, what, name string) {
	notFoundWarning(&resp.Diagnostics, what)
	setNameIdentity(ctx, c, resp.Identity, name, &resp.Diagnostics)
	resp.State.RemoveResource(ctx)
}

// readFound reports whether the object a Read asked RAM for (what, e.g. `RAM role "x"`, named name) is there:
// err is not found, the resource is dropped from state (removeGone); any other error is a diagnostic. Both
// end the Read.
func readFound(ctx context.Context, c *ramclient.Client, resp *resource.ReadResponse, what, name string, err error) bool {
	if ramclient.IsNotFound(err) {
		removeGone(ctx, c, resp, what, name)
		return false
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Reading "+what, err, "")
		return false
	}
	return true
}

// nameAsInRAM is the name to keep in state after a read: RAM's names are case-insensitive, so the state's
// spelling stays while it names the same object (no diff for a configuration that writes "Ops" for "ops").
func nameAsInRAM(current types.String, remote string) types.String {
	if current.IsNull() || !strings.EqualFold(current.ValueString(), remote) {
		return types.StringValue(remote)
	}
	return current
}

// documentAsInRAM is the policy document to keep in state after a read: the state's text while it means
// what RAM's document means (RAM reformats what it stores), RAM's when it differs, so a change made outside
// Terraform shows as a diff.
func documentAsInRAM(current policy.DocumentValue, remote string) policy.DocumentValue {
	if current.IsNull() || !policy.Equal(current.ValueString(), remote) {
		return policy.NewDocumentValue(remote)
	}
	return current
}
