package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// parsedARNTypes is the object parse_arn returns.
var parsedARNTypes = map[string]attr.Type{
	"account_id":    types.StringType,
	"resource_type": types.StringType,
	"name":          types.StringType,
}

// NewParseARNFunction is provider::aliram::parse_arn(arn).
func NewParseARNFunction() function.Function {
	return stringFunction{name: "parse_arn", compute: parseARN, definition: function.Definition{
		Summary: "The account ID, resource type and name of a RAM user or role ARN",
		MarkdownDescription: "Splits `acs:ram::<account id>:role/<name>` or `acs:ram::<account id>:user/<name>` into an " +
			"object with `account_id`, `resource_type` (`role` or `user`) and `name`. The ARN is checked as " +
			"`aliram_cross_account_role.trusted_principal_arns` checks it: the `acs:ram::` prefix, a 16-digit account " +
			"ID, `role/` or `user/`, and a name that follows that type's naming rule. No API call is made.",
		Parameters: []function.Parameter{stringParameter("arn", "A RAM role or user ARN.")},
		Return:     function.ObjectReturn{AttributeTypes: parsedARNTypes},
	}}
}

func parseARN(ctx context.Context, args []string) (any, *function.FuncError) {
	accountID, kind, name, err := policy.ParsePrincipalARN(args[0])
	if ferr := firstArgumentError(err); ferr != nil {
		return nil, ferr
	}
	obj, diags := types.ObjectValue(parsedARNTypes, map[string]attr.Value{
		"account_id":    types.StringValue(accountID),
		"resource_type": types.StringValue(kind),
		"name":          types.StringValue(name),
	})
	if ferr := function.FuncErrorFromDiags(ctx, diags); ferr != nil {
		return nil, ferr
	}
	return obj, nil
}
