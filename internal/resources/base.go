// Package resources holds every resource, data source and ephemeral resource of the provider, one file per
// type with its model struct; the acceptance test of each sits beside it (package resources_test).
package resources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// clientHolder is the client a type holds once the provider is configured.
type clientHolder struct {
	client *ramclient.Client
}

// configure takes the client the provider hands over in Configure. A wrong type is a provider bug, reported
// as such rather than panicking; nil is Configure called before the provider is configured (validation):
// nothing to do yet.
func (h *clientHolder) configure(data any, diags *diag.Diagnostics) {
	if data == nil {
		return
	}
	c, ok := data.(*ramclient.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *ramclient.Client, got %T. This is always a bug in the provider; please report it.", data))
		return
	}
	h.client = c
}

// updatePlanAndState reads an Update's plan and prior state as models of type T; false when either could not
// be read (the errors are then in diags).
func updatePlanAndState[T any](ctx context.Context, req resource.UpdateRequest, diags *diag.Diagnostics) (plan, state T, ok bool) {
	diags.Append(req.Plan.Get(ctx, &plan)...)
	diags.Append(req.State.Get(ctx, &state)...)
	return plan, state, !diags.HasError()
}

// modifyPlanAndState reads a ModifyPlan's plan and, for a resource that exists, its prior state as models of
// type T; hasState is false for a create. ok is false when either could not be read (the errors are in diags).
func modifyPlanAndState[T any](ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) (plan, state T, hasState, ok bool) {
	diags.Append(req.Plan.Get(ctx, &plan)...)
	if hasState = !req.State.Raw.IsNull(); hasState {
		diags.Append(req.State.Get(ctx, &state)...)
	}
	return plan, state, hasState, !diags.HasError()
}

// managedResource is what every managed resource of the provider is: configured with the client, planned by
// ModifyPlan, imported by ID and by identity, and able to upgrade identities of older schema versions.
type managedResource interface {
	resource.ResourceWithConfigure
	resource.ResourceWithModifyPlan
	resource.ResourceWithImportState
	resource.ResourceWithIdentity
	resource.ResourceWithUpgradeIdentity
}

// resourceWithClient is embedded by every managed resource: its type name and client, with Metadata and
// Configure written once.
type resourceWithClient struct {
	typeName string // "aliram_policy"
	clientHolder
}

func (r *resourceWithClient) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.typeName
}

func (r *resourceWithClient) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// dataSourceNamed is embedded by every data source: Metadata from its type name.
type dataSourceNamed string // "aliram_role"

func (d dataSourceNamed) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = string(d)
}

// dataSourceWithClient is embedded by data sources that call the API.
type dataSourceWithClient struct {
	dataSourceNamed
	clientHolder
}

func (d *dataSourceWithClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}
