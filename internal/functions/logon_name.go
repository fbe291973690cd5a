package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

var _ function.Function = logonNameFunction{}

// NewLogonNameFunction is provider::aliram::logon_name(user_name, account_alias_or_id).
func NewLogonNameFunction() function.Function { return logonNameFunction{} }

type logonNameFunction struct{}

func (logonNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "logon_name"
}

func (logonNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The console sign-in name of a RAM user",
		MarkdownDescription: "Returns `<user_name>@<account_alias_or_id>.onaliyun.com`, what a RAM user types on the " +
			"RAM user logon page: the same value `aliram_delegated_user.logon_name` holds once the user exists. " +
			"The user name is checked as `aliram_delegated_user.name` is (" + policy.UserNameRule + "); the account " +
			"is a 16-digit account ID or an account alias (" + policy.AccountAliasRule + "). No API call is made.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "user_name",
				MarkdownDescription: "The RAM user's name, " + policy.UserNameRule + ".",
			},
			function.StringParameter{
				Name: "account_alias_or_id",
				MarkdownDescription: "The alias of the user's account (without `.onaliyun.com`), or its 16-digit ID when " +
					"the account has no alias.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (logonNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var userName, account string
	if resp.Error = req.Arguments.Get(ctx, &userName, &account); resp.Error != nil {
		return
	}
	if resp.Error = firstArgumentError(policy.ValidateUserName(userName), policy.ValidateAccountAliasOrID(account)); resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, policy.LogonName(userName, account))
}
