// Package provider defines the aliram provider: its configuration schema, the credential chain, and the
// list of resources. Configure builds one RAM/STS client per provider block and hands it to every resource.
package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aliram/terraform-provider-aliram/internal/functions"
	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/resources"
)

// regionPattern matches Alibaba Cloud region IDs such as cn-hangzhou, ap-southeast-1 or eu-central-1.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+){1,3}$`)

var (
	_ provider.Provider                       = (*aliramProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*aliramProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*aliramProvider)(nil)
	_ provider.ProviderWithFunctions          = (*aliramProvider)(nil)
)

type aliramProvider struct {
	version string
}

// New returns the provider factory used by main and by the acceptance tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &aliramProvider{version: version} }
}

// providerModel is the provider block.
type providerModel struct {
	Region                types.String `tfsdk:"region"`
	AccessKey             types.String `tfsdk:"access_key"`
	SecretKey             types.String `tfsdk:"secret_key"`
	SecurityToken         types.String `tfsdk:"security_token"`
	Profile               types.String `tfsdk:"profile"`
	SharedCredentialsFile types.String `tfsdk:"shared_credentials_file"`
	ECSRoleName           types.String `tfsdk:"ecs_role_name"`
	AssumeRole            types.List   `tfsdk:"assume_role"` //< assumeRoleModel
	Endpoints             types.List   `tfsdk:"endpoints"`   //< endpointsModel
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	ExpectedAccountID     types.String `tfsdk:"expected_account_id"`
}

type assumeRoleModel struct {
	RoleARN           types.String `tfsdk:"role_arn"`
	SessionName       types.String `tfsdk:"session_name"`
	ExternalID        types.String `tfsdk:"external_id"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
	Policy            types.String `tfsdk:"policy"`
}

type endpointsModel struct {
	RAM         types.String `tfsdk:"ram"`
	STS         types.String `tfsdk:"sts"`
	ECSMetadata types.String `tfsdk:"ecs_metadata"`
}

func (p *aliramProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "aliram"
	resp.Version = p.version
}

func (p *aliramProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The aliram provider manages cross-account delegation in Alibaba Cloud RAM: " +
			"a role in the owner's account that trusts an operator's account, its permission policies, and the " +
			"operator's RAM users allowed to assume it. Configure one aliased provider block per account.\n\n" +
			"Credentials come from one source, the first that applies: `access_key`/`secret_key` (and " +
			"`security_token`) in the block; a `profile` / `shared_credentials_file` of the Alibaba Cloud CLI in the block; " +
			"`ecs_role_name` in the block (the ECS instance RAM role); then the environment: " +
			"`ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET`/`ALIBABA_CLOUD_SECURITY_TOKEN` " +
			"(or `ALICLOUD_ACCESS_KEY`/`ALICLOUD_SECRET_KEY`/`ALICLOUD_SECURITY_TOKEN`), `ALIBABA_CLOUD_PROFILE` " +
			"(or `ALICLOUD_PROFILE`), `ALIBABA_CLOUD_ECS_METADATA`, and finally the current profile of `~/.aliyun/config.json`. " +
			"An `assume_role` block then exchanges those credentials for a role session. Everything is resolved by " +
			"[credentials-go](https://github.com/aliyun/credentials-go); nothing is fetched until the first API call. " +
			"A block without credentials is valid: `aliram_policy_document` and the provider functions need none, and " +
			"whatever calls RAM or STS through it fails at that call, naming what to set.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region used to reach STS (`sts.<region>.aliyuncs.com`). RAM itself is global. " +
					"Defaults to `ALIBABA_CLOUD_REGION_ID`, then `ALICLOUD_REGION`, then `cn-hangzhou`.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(regionPattern, "must be an Alibaba Cloud region ID such as cn-hangzhou or ap-southeast-1"),
				},
			},
			"access_key": credentialAttribute(false, "AccessKey ID. Defaults to `ALIBABA_CLOUD_ACCESS_KEY_ID` or `ALICLOUD_ACCESS_KEY`.",
				stringvalidator.LengthBetween(1, 128), "secret_key"),
			"secret_key": credentialAttribute(true, "AccessKey secret. Defaults to `ALIBABA_CLOUD_ACCESS_KEY_SECRET` or `ALICLOUD_SECRET_KEY`.",
				stringvalidator.LengthAtLeast(1), "access_key"),
			"security_token": credentialAttribute(true, "STS security token, for temporary credentials. Defaults to `ALIBABA_CLOUD_SECURITY_TOKEN` or `ALICLOUD_SECURITY_TOKEN`.",
				stringvalidator.LengthAtLeast(1), "access_key"),
			"profile": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of a profile in the Alibaba Cloud CLI configuration file (`aliyun configure`). " +
					"Defaults to `ALIBABA_CLOUD_PROFILE` or `ALICLOUD_PROFILE`.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 128)},
			},
			"shared_credentials_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path of the Alibaba Cloud CLI configuration file. Defaults to " +
					"`ALIBABA_CLOUD_CONFIG_FILE`, then `~/.aliyun/config.json`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ecs_role_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Use the RAM role attached to the ECS instance this runs on (instance metadata). " +
					"Defaults to `ALIBABA_CLOUD_ECS_METADATA`. Used only when no other credentials are given.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "At most this many retries of one throttled or temporarily failing call. " +
					"Unset (the default), a call is retried, with capped exponential backoff and jitter, for as long as " +
					"the operation's `timeouts` allow, which is what absorbs throttling and short outages; set it only " +
					"to fail faster than the timeout (`0`: no retry). Throttling also slows the provider down: it " +
					"learns each account's allowed rate from the `Throttling` answers it gets.",
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"expected_account_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "When set, the provider refuses to read or change anything unless its credentials " +
					"belong to this 16-digit account ID: a configuration written for one enterprise cannot be applied, " +
					"planned or refreshed with the other's keys (a refresh in the wrong account would find nothing and " +
					"drop every resource from the state). The check is one STS `GetCallerIdentity` per provider block.",
				Validators: []validator.String{
					policy.AccountIDValidator(),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": atMostOnce("Assume a RAM role with the credentials above and use the role session for every call "+
				"(resolved by credentials-go; STS is reached over HTTPS).",
				map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "ARN of the role to assume, `acs:ram::<account-id>:role/<role-name>`.",
						Validators: []validator.String{
							policy.RoleARNValidator(),
						},
					},
					"session_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Role session name, 2–64 characters: letters, digits, `.`, `@`, `-`, `_`. Defaults to `terraform`.",
						Validators: []validator.String{
							policy.SessionNameValidator(),
						},
					},
					"external_id": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "External ID the role's trust policy requires (`sts:ExternalId`), 2–1224 characters.",
						Validators: []validator.String{
							policy.ExternalIDValidator(),
						},
					},
					"session_expiration": schema.Int64Attribute{
						Optional:            true,
						MarkdownDescription: "Session duration in seconds, 900–43200 (at most the role's max_session_duration). Defaults to `3600`.",
						Validators:          []validator.Int64{int64validator.Between(900, 43200)},
					},
					"policy": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Session policy (JSON) further restricting the session, at most 2048 characters.",
						Validators: []validator.String{
							stringvalidator.LengthBetween(1, 2048),
							policy.PermissionPolicyValidator(), // a session policy is a permission policy
						},
					},
				}),
			"endpoints": atMostOnce("Override the service endpoints (for a proxy, a VPC endpoint or the bundled emulator). "+
				"Values are URLs such as `https://ram.aliyuncs.com` or `http://127.0.0.1:18080`.",
				map[string]schema.Attribute{
					"ram": endpointAttribute("RAM endpoint URL. Defaults to `ALIBABA_CLOUD_RAM_ENDPOINT`, then `https://ram.aliyuncs.com`."),
					"sts": endpointAttribute("STS endpoint URL. Defaults to `ALIBABA_CLOUD_STS_ENDPOINT`, then `https://sts.<region>.aliyuncs.com`."),
					"ecs_metadata": endpointAttribute("HTTP proxy through which `ecs_role_name` reaches the instance metadata service " +
						"(`http://100.100.100.200`, which the credentials library does not let anyone change), e.g. the " +
						"`metadata_endpoint` of an instance simulated by the bundled emulator. Defaults to " +
						"`ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`, then a direct connection."),
				}),
		},
	}
}

func (p *aliramProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	endpoints, diags := blockFrom[endpointsModel](ctx, m.Endpoints)
	resp.Diagnostics.Append(diags...)
	assume, diags := blockFrom[assumeRoleModel](ctx, m.AssumeRole)
	resp.Diagnostics.Append(diags...)
	// credentials-go always reaches STS over HTTPS to assume a role; catch the mismatch before any call.
	if assume != nil && endpoints != nil && isPlainHTTP(endpoints.STS) {
		resp.Diagnostics.AddAttributeError(path.Root("endpoints").AtListIndex(0).AtName("sts"),
			"assume_role needs an HTTPS STS endpoint",
			"The assume_role block exchanges credentials through STS over HTTPS only, but endpoints.sts is an http:// URL. "+
				"Use an https:// endpoint (the emulator serves one with --tls).")
	}
}

func (p *aliramProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, diags := resolveSettings(ctx, m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cred, err := settings.credential()
	if err != nil {
		// Not an error yet: the block may serve only what calls no API (aliram_policy_document, the functions),
		// like a default block nobody wrote beside two aliased ones. The first RAM or STS call fails with err,
		// which names what to set.
		tflog.Info(ctx, "aliram provider has no usable credentials; calls to RAM or STS will fail", map[string]any{"reason": err.Error()})
		cred, settings.source = ramclient.UnavailableCredentials(err), "none"
	}
	client, err := ramclient.New(ramclient.Config{
		Credentials:       cred,
		Region:            settings.region,
		RAMEndpoint:       settings.ramEndpoint,
		STSEndpoint:       settings.stsEndpoint,
		MaxRetries:        settings.maxRetries,
		ExpectedAccountID: settings.expectedAccountID,
		CredentialSource:  settings.source,
		UserAgent:         fmt.Sprintf("terraform-provider-aliram/%s", p.version),
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	tflog.Debug(ctx, "aliram provider configured", map[string]any{
		"region": settings.region, "credential_source": settings.source,
		"ram_endpoint": settings.ramEndpoint, "sts_endpoint": settings.stsEndpoint,
	})
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.EphemeralResourceData = client
}

func (p *aliramProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		resources.NewDelegatedUserResource,
		resources.NewDelegatedRoleResource,
		resources.NewCrossAccountRoleResource,
		resources.NewRolePolicyAttachmentResource,
		resources.NewRolePolicyAttachmentsExclusiveResource,
		resources.NewPolicyResource,
	}
}

func (p *aliramProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		resources.NewCallerIdentityDataSource,
		resources.NewPolicyDocumentDataSource,
		resources.NewRoleDataSource,
	}
}

func (p *aliramProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		resources.NewAssumedRoleEphemeralResource,
	}
}

// Functions are the provider-defined functions; they make no API call, so they need no credentials.
func (p *aliramProvider) Functions(_ context.Context) []func() function.Function {
	return functions.All()
}

// credentialAttribute is an optional static credential of the provider block (sensitive: a secret, not an
// ID): length bounds its value, and it is useless without the argument requires names.
func credentialAttribute(sensitive bool, description string, length validator.String, requires string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           sensitive,
		MarkdownDescription: description,
		Validators:          []validator.String{length, stringvalidator.AlsoRequires(path.MatchRoot(requires))},
	}
}

// endpointAttribute is an optional endpoint URL of the endpoints block, checked at plan time.
func endpointAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: description,
		Validators:          []validator.String{endpointURLValidator{}},
	}
}

// atMostOnce is a block of the provider written at most once (a list of at most one object).
func atMostOnce(description string, attrs map[string]schema.Attribute) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: description,
		Validators:          []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject:        schema.NestedBlockObject{Attributes: attrs},
	}
}
