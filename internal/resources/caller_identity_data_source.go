package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*callerIdentityDataSource)(nil)

// NewCallerIdentityDataSource reports whose credentials a provider block uses: the account ID every ARN of
// that account is built from, and the identity (root, RAM user or assumed role).
func NewCallerIdentityDataSource() datasource.DataSource {
	return &callerIdentityDataSource{dataSourceWithClient{dataSourceNamed: "aliram_caller_identity"}}
}

type callerIdentityDataSource struct {
	dataSourceWithClient
}

type callerIdentityModel struct {
	ID           types.String `tfsdk:"id"`
	AccountID    types.String `tfsdk:"account_id"`
	ARN          types.String `tfsdk:"arn"`
	IdentityType types.String `tfsdk:"identity_type"`
	PrincipalID  types.String `tfsdk:"principal_id"`
	UserID       types.String `tfsdk:"user_id"`
}

func (d *callerIdentityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The identity behind this provider block's credentials (STS `GetCallerIdentity`). " +
			"Use it to build ARNs of the owner's account, or to show which enterprise a provider alias acts for.",
		Attributes: map[string]schema.Attribute{
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "The account ID."},
			"account_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "16-digit ID of the account the credentials belong to."},
			"arn":           schema.StringAttribute{Computed: true, MarkdownDescription: "ARN of the caller: `acs:ram::<id>:root`, `acs:ram::<id>:user/<name>` or `acs:ram::<id>:assumed-role/<role>/<session>`."},
			"identity_type": schema.StringAttribute{Computed: true, MarkdownDescription: "`Account`, `RAMUser` or `AssumedRoleUser`."},
			"principal_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the principal: the account ID, the user ID, or `<role id>:<session name>`."},
			"user_id":       schema.StringAttribute{Computed: true, MarkdownDescription: "User ID for an account or RAM user; empty for a role session."},
		},
	}
}

func (d *callerIdentityDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	id, err := d.client.CallerIdentity(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Reading the caller identity", err, "")
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &callerIdentityModel{
		ID:           types.StringValue(id.AccountID),
		AccountID:    types.StringValue(id.AccountID),
		ARN:          types.StringValue(id.ARN),
		IdentityType: types.StringValue(id.IdentityType),
		PrincipalID:  types.StringValue(id.PrincipalID),
		UserID:       types.StringValue(id.UserID),
	})...)
}
