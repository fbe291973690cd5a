package policy

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// StringValidator adapts a check to a schema validator: null and unknown values pass, an error becomes an
// attribute error at the attribute's path (so plan output names it).
func StringValidator(description string, check func(string) error) validator.String {
	return funcValidator{description: description, check: check}
}

type funcValidator struct {
	description string
	check       func(string) error
}

func (v funcValidator) Description(context.Context) string         { return v.description }
func (v funcValidator) MarkdownDescription(context.Context) string { return v.description }

func (v funcValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			// One diagnostic per problem reads better than one long message.
			for _, p := range ve.Problems {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+ve.Kind, fmt.Sprintf("%s: %s", req.Path, p))
			}
			return
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value", fmt.Sprintf("%s: %s", req.Path, err))
	}
}

// PermissionPolicyValidator checks a permission policy document (ValidatePermissionPolicy).
func PermissionPolicyValidator() validator.String {
	return StringValidator("must be a valid RAM permission policy document", ValidatePermissionPolicy)
}

// TrustPolicyValidator checks a trust policy document (ValidateTrustPolicy).
func TrustPolicyValidator() validator.String {
	return StringValidator("must be a valid RAM trust policy document", ValidateTrustPolicy)
}

func AccountIDValidator() validator.String {
	return StringValidator("must be a 16-digit account ID", ValidateAccountID)
}
func RoleNameValidator() validator.String {
	return StringValidator("must be "+RoleNameRule, ValidateRoleName)
}
func UserNameValidator() validator.String {
	return StringValidator("must be "+UserNameRule, ValidateUserName)
}
func PolicyNameValidator() validator.String {
	return StringValidator("must be "+PolicyNameRule, ValidatePolicyName)
}
func SessionNameValidator() validator.String {
	return StringValidator("must be "+SessionNameRule, ValidateSessionName)
}
func ExternalIDValidator() validator.String {
	return StringValidator("must be "+ExternalIDRule, ValidateExternalID)
}

// PrincipalARNValidator accepts acs:ram::<id>:user/<name> and acs:ram::<id>:role/<name>.
func PrincipalARNValidator() validator.String {
	return StringValidator("must be a RAM user or role ARN", func(s string) error {
		_, _, _, err := ParsePrincipalARN(s)
		return err
	})
}

// ServicePrincipalValidator accepts service domains such as ecs.aliyuncs.com.
func ServicePrincipalValidator() validator.String {
	return StringValidator("must be "+ServicePrincipalRule, ValidateServicePrincipal)
}

func RoleARNValidator() validator.String {
	return StringValidator("must be a RAM role ARN", func(s string) error {
		_, _, err := ParseRoleARN(s)
		return err
	})
}

func IPOrCIDRValidator() validator.String {
	return StringValidator("must be an IP address or CIDR block", ValidateIPOrCIDR)
}

func ValidUntilValidator() validator.String {
	return StringValidator("must be an RFC 3339 timestamp", func(s string) error {
		_, err := ParseValidUntil(s)
		return err
	})
}

func ActionValidator() validator.String {
	return StringValidator(`must be "*" or "<service>:<Api>"`, ValidateAction)
}

func ResourceValidator() validator.String {
	return StringValidator(`must be "*" or "acs:<service>:<region>:<account-id>:<relative-id>"`, ValidateResource)
}
