package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

const (
	defaultRegion  = "cn-hangzhou"
	defaultSession = "terraform"
)

// settings is the provider block after defaults and environment variables are applied.
type settings struct {
	region            string
	ramEndpoint       string
	stsEndpoint       string
	metadataProxy     string // endpoints.ecs_metadata: how ecs_role_name reaches 100.100.100.200
	maxRetries        int    // ramclient.RetryUntilDeadline unless max_retries is set
	expectedAccountID string

	// the one credential source chosen by chooseCredentialSource
	accessKey, secretKey, securityToken string
	profile, profileFile                string
	ecsRoleName                         string
	assumeRole                          *assumeRoleModel
	source                              string // which source won, for logs (never the values)
}

// firstNonEmpty returns the first configured value, else the first set environment variable.
func firstNonEmpty(v types.String, envs ...string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	for _, e := range envs {
		if s := os.Getenv(e); s != "" {
			return s
		}
	}
	return ""
}

// blockFrom reads a block of at most one element (endpoints, assume_role); nil when it is absent.
func blockFrom[T any](ctx context.Context, block types.List) (*T, diag.Diagnostics) {
	var list []T
	diags := block.ElementsAs(ctx, &list, false)
	if len(list) == 0 {
		return nil, diags
	}
	return &list[0], diags
}

func isPlainHTTP(v types.String) bool {
	return strings.HasPrefix(strings.ToLower(v.ValueString()), "http://")
}

// resolveSettings applies environment variables and defaults, and validates what the schema could not see
// (values that come from the environment).
func resolveSettings(ctx context.Context, m providerModel) (*settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	for _, p := range unknownArguments(m) {
		diags.AddAttributeError(p, "Provider argument not known yet",
			fmt.Sprintf("%s depends on a value that is only known after apply; the provider must be configured before planning. Use a literal, a variable or an ephemeral value.", p))
	}
	if diags.HasError() {
		return nil, diags
	}

	s := &settings{
		region:            firstNonEmpty(m.Region, "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"),
		expectedAccountID: m.ExpectedAccountID.ValueString(),
		maxRetries:        ramclient.RetryUntilDeadline,
	}
	s.chooseCredentialSource(m)
	if !m.MaxRetries.IsNull() {
		s.maxRetries = int(m.MaxRetries.ValueInt64())
	}
	if s.region == "" {
		s.region = defaultRegion
	} else if !regionPattern.MatchString(s.region) {
		diags.AddAttributeError(path.Root("region"), "Invalid region",
			fmt.Sprintf("region %q (from the configuration or ALIBABA_CLOUD_REGION_ID / ALICLOUD_REGION) must be an Alibaba Cloud region ID such as cn-hangzhou.", s.region))
	}

	endpoints, d := blockFrom[endpointsModel](ctx, m.Endpoints)
	diags.Append(d...)
	var ramCfg, stsCfg, mdCfg types.String
	if endpoints != nil {
		ramCfg, stsCfg, mdCfg = endpoints.RAM, endpoints.STS, endpoints.ECSMetadata
	}
	s.ramEndpoint = firstNonEmpty(ramCfg, "ALIBABA_CLOUD_RAM_ENDPOINT")
	s.stsEndpoint = firstNonEmpty(stsCfg, "ALIBABA_CLOUD_STS_ENDPOINT")
	s.metadataProxy = firstNonEmpty(mdCfg, "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT")
	for attr, v := range map[string]string{"ram": s.ramEndpoint, "sts": s.stsEndpoint, "ecs_metadata": s.metadataProxy} {
		if v == "" {
			continue
		}
		if err := checkEndpointURL(v); err != nil {
			diags.AddAttributeError(path.Root("endpoints").AtListIndex(0).AtName(attr), "Invalid endpoint URL",
				fmt.Sprintf("endpoints.%s (or ALIBABA_CLOUD_%s_ENDPOINT) %s", attr, strings.ToUpper(attr), err))
		}
	}

	s.assumeRole, d = blockFrom[assumeRoleModel](ctx, m.AssumeRole)
	diags.Append(d...)
	if s.assumeRole != nil && strings.HasPrefix(strings.ToLower(s.stsEndpoint), "http://") {
		diags.AddAttributeError(path.Root("endpoints").AtListIndex(0).AtName("sts"), "assume_role needs an HTTPS STS endpoint",
			"The assume_role block exchanges credentials through STS over HTTPS only, but the STS endpoint is an http:// URL.")
	}
	return s, diags
}

// unknownArguments names the arguments whose value is not known yet. Every one of them must be refused:
// read as unset, an unknown ecs_role_name or endpoint would silently fall back to the environment's
// credentials or the real endpoints.
func unknownArguments(m providerModel) []path.Path {
	var out []path.Path
	for name, v := range map[string]attr.Value{
		"region": m.Region, "access_key": m.AccessKey, "secret_key": m.SecretKey, "security_token": m.SecurityToken,
		"profile": m.Profile, "shared_credentials_file": m.SharedCredentialsFile, "ecs_role_name": m.ECSRoleName,
		"max_retries": m.MaxRetries, "expected_account_id": m.ExpectedAccountID,
		"assume_role": m.AssumeRole, "endpoints": m.Endpoints,
	} {
		if v.IsUnknown() {
			out = append(out, path.Root(name))
			continue
		}
		if l, ok := v.(types.List); ok {
			for i, e := range l.Elements() {
				if o, ok := e.(types.Object); ok {
					for k, a := range o.Attributes() {
						if a.IsUnknown() {
							out = append(out, path.Root(name).AtListIndex(i).AtName(k))
						}
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// chooseCredentialSource picks one source: what the provider block sets explicitly wins over the environment,
// so a block with `profile = "b"` is not silently overridden by keys exported in the shell.
func (s *settings) chooseCredentialSource(m providerModel) {
	switch {
	case m.AccessKey.ValueString() != "" || m.SecretKey.ValueString() != "":
		s.accessKey, s.secretKey, s.securityToken = m.AccessKey.ValueString(), m.SecretKey.ValueString(), m.SecurityToken.ValueString()
	case m.Profile.ValueString() != "" || m.SharedCredentialsFile.ValueString() != "":
		s.profile = firstNonEmpty(m.Profile, "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
		s.profileFile = firstNonEmpty(m.SharedCredentialsFile, "ALIBABA_CLOUD_CONFIG_FILE")
	case m.ECSRoleName.ValueString() != "":
		s.ecsRoleName = m.ECSRoleName.ValueString()
	default:
		none := types.StringNull()
		s.accessKey = firstNonEmpty(none, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY")
		s.secretKey = firstNonEmpty(none, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY")
		s.securityToken = firstNonEmpty(none, "ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN")
		if s.accessKey == "" && s.secretKey == "" {
			s.profile = firstNonEmpty(none, "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
			s.profileFile = firstNonEmpty(none, "ALIBABA_CLOUD_CONFIG_FILE")
			s.ecsRoleName = firstNonEmpty(none, "ALIBABA_CLOUD_ECS_METADATA")
			if s.profile == "" && s.profileFile == "" && s.ecsRoleName == "" && defaultProfileFileExists() {
				s.profileFile = defaultProfileFile() // the current profile of `aliyun configure`
			}
		}
	}
}

func defaultProfileFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".aliyun", "config.json")
}

func defaultProfileFileExists() bool {
	f := defaultProfileFile()
	if f == "" {
		return false
	}
	_, err := os.Stat(f)
	return err == nil
}

// credential builds the credential chain with credentials-go; nothing is fetched until the first call.
func (s *settings) credential() (credentials.Credential, error) {
	var base providers.CredentialsProvider
	var err error
	switch {
	case s.accessKey != "" && s.secretKey != "" && s.securityToken != "":
		s.source = ramclient.SourceStaticSTS
		base, err = providers.NewStaticSTSCredentialsProviderBuilder().
			WithAccessKeyId(s.accessKey).WithAccessKeySecret(s.secretKey).WithSecurityToken(s.securityToken).Build()
	case s.accessKey != "" && s.secretKey != "":
		s.source = ramclient.SourceStaticAccessKey
		base, err = providers.NewStaticAKCredentialsProviderBuilder().
			WithAccessKeyId(s.accessKey).WithAccessKeySecret(s.secretKey).Build()
	case s.accessKey != "" || s.secretKey != "":
		return nil, fmt.Errorf("both an access key ID and a secret are needed: set access_key and secret_key (or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)")
	case s.profile != "" || s.profileFile != "":
		s.source = ramclient.SourceCLIProfile
		b := providers.NewCLIProfileCredentialsProviderBuilder()
		if s.profileFile != "" {
			b = b.WithProfileFile(s.profileFile)
		}
		if s.profile != "" {
			b = b.WithProfileName(s.profile)
		}
		base, err = b.Build()
	case s.ecsRoleName != "":
		s.source = ramclient.SourceECSRole
		b := providers.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(s.ecsRoleName)
		if s.metadataProxy != "" {
			b = b.WithHttpOptions(&providers.HttpOptions{Proxy: s.metadataProxy})
		}
		base, err = b.Build()
	default:
		return nil, fmt.Errorf("no credentials found: set access_key and secret_key in the provider block, " +
			"the ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables, a profile, or ecs_role_name")
	}
	if err != nil {
		return nil, fmt.Errorf("credential source %s: %w", s.source, err)
	}
	if s.assumeRole == nil {
		return credentials.FromCredentialsProvider(s.source, base), nil
	}

	ar := s.assumeRole
	b := providers.NewRAMRoleARNCredentialsProviderBuilder().
		WithCredentialsProvider(base).
		WithRoleArn(ar.RoleARN.ValueString()).
		WithRoleSessionName(defaultSession)
	if v := ar.SessionName.ValueString(); v != "" {
		b = b.WithRoleSessionName(v)
	}
	if v := ar.ExternalID.ValueString(); v != "" {
		b = b.WithExternalId(v)
	}
	if v := ar.Policy.ValueString(); v != "" {
		b = b.WithPolicy(v)
	}
	if !ar.SessionExpiration.IsNull() {
		b = b.WithDurationSeconds(int(ar.SessionExpiration.ValueInt64()))
	}
	if s.stsEndpoint != "" {
		u, _ := url.Parse(s.stsEndpoint) // validated in resolveSettings
		b = b.WithStsEndpoint(u.Host)
	} else {
		b = b.WithStsRegionId(s.region)
	}
	assumed, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("assume_role: %w", err)
	}
	s.source += ramclient.ViaAssumeRole
	return credentials.FromCredentialsProvider(s.source, assumed), nil
}

// checkEndpointURL accepts http(s)://host[:port] with nothing after the authority.
func checkEndpointURL(v string) error {
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", v, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q must start with https:// (or http:// for a local emulator)", v)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", v)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q must be only scheme://host[:port], without path, query or credentials", v)
	}
	return nil
}

// endpointURLValidator checks endpoint URLs at plan time.
type endpointURLValidator struct{}

func (endpointURLValidator) Description(context.Context) string {
	return "must be a URL of the form https://host[:port] (or http:// for a local emulator)"
}
func (v endpointURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (endpointURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkEndpointURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint URL", fmt.Sprintf("%s %s", req.Path, err))
	}
}
