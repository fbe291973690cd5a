package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// NewRoleARNFunction is provider::aliram::role_arn(account_id, role_name).
func NewRoleARNFunction() function.Function {
	return stringFunction{name: "role_arn", compute: roleARN, definition: function.Definition{
		Summary: "The ARN of a RAM role, from its account ID and name",
		MarkdownDescription: "Returns `acs:ram::<account_id>:role/<role_name>`, the ARN STS `AssumeRole` takes and " +
			"`aliram_delegated_user.assumable_role_arns` expects. Both arguments are checked as the resources check them " +
			"(a 16-digit account ID; a role name of " + policy.RoleNameRule + "). No API call is made, so the role " +
			"may live in an account this configuration has no credentials for: the operator's repository names the " +
			"owner's role with it.",
		Parameters: []function.Parameter{
			stringParameter("account_id", "The 16-digit ID of the account that owns the role."),
			stringParameter("role_name", "The role's name, "+policy.RoleNameRule+"."),
		},
		Return: function.StringReturn{},
	}}
}

func roleARN(_ context.Context, args []string) (any, *function.FuncError) {
	accountID, roleName := args[0], args[1]
	if err := firstArgumentError(policy.ValidateAccountID(accountID), policy.ValidateRoleName(roleName)); err != nil {
		return nil, err
	}
	return policy.RoleARN(accountID, roleName), nil
}
