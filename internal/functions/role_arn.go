package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

var _ function.Function = roleARNFunction{}

// NewRoleARNFunction is provider::aliram::role_arn(account_id, role_name).
func NewRoleARNFunction() function.Function { return roleARNFunction{} }

type roleARNFunction struct{}

func (roleARNFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "role_arn"
}

func (roleARNFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The ARN of a RAM role, from its account ID and name",
		MarkdownDescription: "Returns `acs:ram::<account_id>:role/<role_name>`, the ARN STS `AssumeRole` takes and " +
			"`aliram_delegated_user.assumable_role_arns` expects. Both arguments are checked as the resources check them " +
			"(a 16-digit account ID; a role name of " + policy.RoleNameRule + "). No API call is made, so the role " +
			"may live in an account this configuration has no credentials for: the operator's repository names the " +
			"owner's role with it.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "account_id",
				MarkdownDescription: "The 16-digit ID of the account that owns the role.",
			},
			function.StringParameter{
				Name:                "role_name",
				MarkdownDescription: "The role's name, " + policy.RoleNameRule + ".",
			},
		},
		Return: function.StringReturn{},
	}
}

func (roleARNFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var accountID, roleName string
	if resp.Error = req.Arguments.Get(ctx, &accountID, &roleName); resp.Error != nil {
		return
	}
	if resp.Error = firstArgumentError(policy.ValidateAccountID(accountID), policy.ValidateRoleName(roleName)); resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, policy.RoleARN(accountID, roleName))
}
