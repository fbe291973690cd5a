package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// NewLogonNameFunction is provider::aliram::logon_name(user_name, account_alias_or_id).
func NewLogonNameFunction() function.Function {
	return stringFunction{name: "logon_name", compute: logonName, definition: function.Definition{
		Summary: "The console sign-in name of a RAM user",
		MarkdownDescription: "Returns `<user_name>@<account_alias_or_id>.onaliyun.com`, what a RAM user types on the " +
			"RAM user logon page: the same value `aliram_delegated_user.logon_name` holds once the user exists. " +
			"The user name is checked as `aliram_delegated_user.name` is (" + policy.UserNameRule + "); the account " +
			"is a 16-digit account ID or an account alias (" + policy.AccountAliasRule + "). No API call is made.",
		Parameters: []function.Parameter{
			stringParameter("user_name", "The RAM user's name, "+policy.UserNameRule+"."),
			stringParameter("account_alias_or_id", "The alias of the user's account (without `.onaliyun.com`), "+
				"or its 16-digit ID when the account has no alias."),
		},
		Return: function.StringReturn{},
	}}
}

func logonName(_ context.Context, args []string) (any, *function.FuncError) {
	userName, account := args[0], args[1]
	if err := firstArgumentError(policy.ValidateUserName(userName), policy.ValidateAccountAliasOrID(account)); err != nil {
		return nil, err
	}
	return policy.LogonName(userName, account), nil
}
