// Package resources holds every resource, data source and ephemeral resource of the provider, one file per
// type with its model struct; the acceptance test of each sits beside it (package resources_test).
package resources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// clientFromProviderData unwraps the client the provider hands over in Configure. A wrong type is a
// provider bug, reported as such rather than panicking.
func clientFromProviderData(data any, diags *diag.Diagnostics) *ramclient.Client {
	if data == nil { // Configure is called before the provider is configured (validation); nothing to do yet
		return nil
	}
	c, ok := data.(*ramclient.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *ramclient.Client, got %T. This is always a bug in the provider; please report it.", data))
		return nil
	}
	return c
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

// resourceWithClient is embedded by every managed resource: it implements Configure once.
type resourceWithClient struct {
	client *ramclient.Client
}

func (r *resourceWithClient) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if c := clientFromProviderData(req.ProviderData, &resp.Diagnostics); c != nil {
		r.client = c
	}
}

// dataSourceWithClient is embedded by data sources that call the API.
type dataSourceWithClient struct {
	client *ramclient.Client
}

func (d *dataSourceWithClient) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if c := clientFromProviderData(req.ProviderData, &resp.Diagnostics); c != nil {
		d.client = c
	}
}

// ephemeralWithClient is embedded by ephemeral resources.
type ephemeralWithClient struct {
	client *ramclient.Client
}

func (e *ephemeralWithClient) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if c := clientFromProviderData(req.ProviderData, &resp.Diagnostics); c != nil {
		e.client = c
	}
}
