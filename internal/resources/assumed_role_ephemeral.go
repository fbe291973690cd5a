package resources

import (
	"context"
	"fmt"
	"time"

	ephemeraltimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

const (
	defaultSessionDuration = 3600
	maxSessionPolicyLength = 2048
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*assumedRoleEphemeral)(nil)
)

// NewAssumedRoleEphemeralResource exchanges the provider's credentials for a role's temporary STS
// credentials: how B's automation uses a delegation (the STS method of Alibaba Cloud's cross-account tutorials), never written to state.
func NewAssumedRoleEphemeralResource() ephemeral.EphemeralResource { return &assumedRoleEphemeral{} }

// assumedRoleEphemeral is the provider's only ephemeral resource: it holds the client itself.
type assumedRoleEphemeral struct {
	clientHolder
}

type assumedRoleModel struct {
	RoleARN         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	DurationSeconds types.Int64  `tfsdk:"duration_seconds"`
	ExternalID      types.String `tfsdk:"external_id"`
	Policy          types.String `tfsdk:"policy"`
	AccessKeyID     types.String `tfsdk:"access_key_id"`
	AccessKeySecret types.String `tfsdk:"access_key_secret"`
	SecurityToken   types.String `tfsdk:"security_token"`
	Expiration      types.String `tfsdk:"expiration"`
	ARN             types.String `tfsdk:"arn"`
	AssumedRoleID   types.String `tfsdk:"assumed_role_id"`

	Timeouts ephemeraltimeouts.Value `tfsdk:"timeouts"` // the open's time budget
}

func (e *assumedRoleEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_assumed_role"
}

func (e *assumedRoleEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.configure(req.ProviderData, &resp.Diagnostics)
}

func (e *assumedRoleEphemeral) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": ephemeralTimeoutsBlock(ctx)},
		MarkdownDescription: "Temporary credentials of a RAM role, from STS `AssumeRole` called with this provider " +
			"block's credentials. This is how the operator's (B's) users and applications use a delegation: " +
			"feed the result into another provider block (`security_token`) or an application's environment. " +
			"The credentials are ephemeral: never stored in plan or state. Needs OpenTofu 1.11+ or Terraform 1.10+.\n\n" +
			"STS refuses root-account credentials: call it with a RAM user's AccessKey (for example one of an " +
			"`aliram_delegated_user`) or another role session.\n\n" +
			"RAM makes a new AccessKey, policy attachment or trust policy usable only a few seconds after it is " +
			"written, and STS answers `InvalidAccessKeyId.NotFound` or `NoPermission` until then. Those two answers " +
			"are retried for up to 30 seconds (and never beyond `timeouts.open`, 5 minutes by default), so a key or " +
			"grant made just before works; a denial that lasts longer is reported.",
		Attributes: map[string]schema.Attribute{
			"role_arn": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ARN of the role to assume, `acs:ram::<account id>:role/<role name>`.",
				Validators:          []validator.String{policy.RoleARNValidator()},
			},
			"session_name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Role session name, 2 to 64 characters: letters, digits, `.`, `@`, `-`, `_`. It appears " +
					"in the assumed identity's ARN and in the owner's audit logs. Defaults to `terraform-<unix time>`.",
				Validators: []validator.String{policy.SessionNameValidator()},
			},
			"duration_seconds": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Lifetime of the credentials in seconds, 900 to 43200 and at most the role's " +
					"`max_session_duration`. Defaults to 3600.",
				Validators: []validator.Int64{int64validator.Between(900, 43200)},
			},
			"external_id": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "External ID the role's trust policy requires (condition `sts:ExternalId`): 2 to " +
					"1224 characters, letters, digits and `_+=,.@:/-`.",
				Validators: []validator.String{policy.ExternalIDValidator()},
			},
			"policy": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Session policy (JSON, at most 2048 characters): the credentials get only the " +
					"intersection of the role's permissions and this policy.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, maxSessionPolicyLength),
					policy.PermissionPolicyValidator(),
				},
			},
			"access_key_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Temporary AccessKey ID (starts with `STS.`).",
			},
			"access_key_secret": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: "Temporary AccessKey secret.",
			},
			"security_token": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: "Security token to send with the temporary AccessKey.",
			},
			"expiration": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the credentials expire, RFC 3339 in UTC.",
			},
			"arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ARN of the assumed identity, `acs:ram::<account id>:role/<role name>/<session name>`.",
			},
			"assumed_role_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ID of the assumed identity, `<role id>:<session name>`.",
			},
		},
	}
}

func (e *assumedRoleEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m assumedRoleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, m.Timeouts.Open, defaultOpenTimeout, &resp.Diagnostics)
	defer cancel()
	if e.client == nil {
		resp.Diagnostics.AddError("Provider not configured", "The aliram provider block of this ephemeral resource has not been configured.")
		return
	}
	if m.SessionName.IsNull() || m.SessionName.IsUnknown() {
		m.SessionName = types.StringValue(fmt.Sprintf("terraform-%d", time.Now().Unix()))
	}
	if m.DurationSeconds.IsNull() || m.DurationSeconds.IsUnknown() {
		m.DurationSeconds = types.Int64Value(defaultSessionDuration)
	}
	roleARN := m.RoleARN.ValueString()
	ctx = tflog.SetField(ctx, "role_arn", roleARN)
	ctx = tflog.SetField(ctx, "session_name", m.SessionName.ValueString())

	creds, err := e.client.AssumeRole(ctx, ramclient.AssumeRoleInput{
		RoleARN:         roleARN,
		SessionName:     m.SessionName.ValueString(),
		ExternalID:      m.ExternalID.ValueString(),
		Policy:          m.Policy.ValueString(),
		DurationSeconds: m.DurationSeconds.ValueInt64(),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Assuming role %s", roleARN), err, assumeRoleHint(err))
		return
	}
	tflog.Debug(ctx, "assumed role", map[string]any{"assumed_role_arn": creds.AssumedRoleARN, "expiration": creds.Expiration})

	m.AccessKeyID = types.StringValue(creds.AccessKeyID)
	m.AccessKeySecret = types.StringValue(creds.AccessKeySecret)
	m.SecurityToken = types.StringValue(creds.SecurityToken)
	m.Expiration = types.StringValue(creds.Expiration.UTC().Format(time.RFC3339))
	m.ARN = types.StringValue(creds.AssumedRoleARN)
	m.AssumedRoleID = types.StringValue(creds.AssumedRoleID)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

func assumeRoleHint(err error) string {
	switch {
	case ramclient.IsPermission(err):
		return "Either the caller has no policy allowing sts:AssumeRole on this role (in its own account: " +
			"AliyunSTSAssumeRoleAccess or an aliram_delegated_user's assumable_role_arns), or the role's trust policy " +
			"does not trust the caller (or needs an external_id). Root-account credentials can never assume a role: " +
			"use a RAM user's AccessKey."
	case ramclient.IsNotFound(err):
		return "The role does not exist in the account named by the ARN. Check role_arn."
	}
	return ""
}
