package ramclient

import "strings"

// Where a Client's credentials come from (Config.CredentialSource), so that an error about them names the
// settings of that source: advice about access_key and secret_key misleads a provider block that has none
// (an ECS instance role, a CLI profile, an assume_role session).
const (
	SourceStaticAccessKey = "static_ak"    // access_key + secret_key, in the block or the environment
	SourceStaticSTS       = "static_sts"   // the same with security_token
	SourceCLIProfile      = "cli_profile"  // a profile of the Alibaba Cloud CLI configuration
	SourceECSRole         = "ecs_ram_role" // ecs_role_name: the instance RAM role, from the metadata service
	// ViaAssumeRole ends the source of a block whose credentials are exchanged for a role session
	// (its assume_role block), e.g. "cli_profile+assume_role".
	ViaAssumeRole = "+assume_role"
)

// codeCredentialsError is the code of a failure to obtain credentials from their source, before any request.
const codeCredentialsError = "CredentialsError"

// sourceAdvice is, for each source that holds no keys of its own in the block, what to check when it gave
// no credentials (obtain) and when RAM or STS refused the ones it gave (refused). ViaAssumeRole stands for
// any source under an assume_role block: the session is what was refused.
var sourceAdvice = map[string]struct{ obtain, refused string }{
	ViaAssumeRole: {
		// The error says which side failed: the credentials under the block, or STS refusing the session.
		obtain: "check the assume_role block: its role_arn must exist and trust the credentials under it " +
			"(with the external_id it requires, if any), and those credentials must be allowed sts:AssumeRole",
		refused: "the assume_role session was refused: a role deleted or re-created since ends its sessions; " +
			"check assume_role.role_arn and run the command again for a new session",
	},
	SourceECSRole: {
		obtain: "check ecs_role_name: it must be the RAM role attached to this ECS instance, trusting " +
			"ecs.aliyuncs.com, and the instance metadata service must be reachable (endpoints.ecs_metadata off an instance)",
		refused: "the ECS instance role's session was refused: a role deleted or re-created since ends its " +
			"sessions; check ecs_role_name and the role attached to this instance, then run the command again",
	},
	SourceCLIProfile: {
		obtain: "check the profile (profile / shared_credentials_file, or ALIBABA_CLOUD_PROFILE / " +
			"ALIBABA_CLOUD_CONFIG_FILE) in the Alibaba Cloud CLI configuration",
		refused: "check the AccessKey of the profile (profile / shared_credentials_file, or ALIBABA_CLOUD_PROFILE / " +
			"ALIBABA_CLOUD_CONFIG_FILE) in the Alibaba Cloud CLI configuration",
	},
}

// credentialAdvice names what to check for an auth error with this code, for credentials from source (""
// when unknown: the advice for keys). The clock is the same whatever the source.
func credentialAdvice(source, code string) string {
	if strings.HasPrefix(code, "InvalidTimeStamp") {
		return "check the system clock: requests are refused more than 15 minutes off"
	}
	base, assumed := strings.CutSuffix(source, ViaAssumeRole)
	if assumed {
		base = ViaAssumeRole
	}
	if a, ok := sourceAdvice[base]; ok {
		if code == codeCredentialsError {
			return a.obtain
		}
		return a.refused
	}
	switch {
	case code == codeCredentialsError:
		return "check the provider's credential settings"
	case code == "SignatureDoesNotMatch", code == "IncompleteSignature":
		return "check the secret key (secret_key / ALIBABA_CLOUD_ACCESS_KEY_SECRET)"
	case strings.HasPrefix(code, "InvalidAccessKeyId"):
		return "check the access key (access_key / ALIBABA_CLOUD_ACCESS_KEY_ID)"
	case strings.HasPrefix(code, "InvalidSecurityToken"), code == "MissingSecurityToken":
		if base == SourceStaticAccessKey {
			return "check the credentials: an AccessKey of an STS session needs its security_token / ALIBABA_CLOUD_SECURITY_TOKEN"
		}
		return "check the security token (security_token / ALIBABA_CLOUD_SECURITY_TOKEN): an STS token expires; get a new one"
	}
	return ""
}
