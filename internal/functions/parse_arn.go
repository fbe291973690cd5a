package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

var _ function.Function = parseARNFunction{}

// NewParseARNFunction is provider::aliram::parse_arn(arn).
func NewParseARNFunction() function.Function { return parseARNFunction{} }

type parseARNFunction struct{}

// parsedARNTypes is the object parse_arn returns.
var parsedARNTypes = map[string]attr.Type{
	"account_id":    types.StringType,
	"resource_type": types.StringType,
	"name":          types.StringType,
}

func (parseARNFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_arn"
}

func (parseARNFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The account ID, resource type and name of a RAM user or role ARN",
		MarkdownDescription: "Splits `acs:ram::<account id>:role/<name>` or `acs:ram::<account id>:user/<name>` into an " +
			"object with `account_id`, `resource_type` (`role` or `user`) and `name`. The ARN is checked as " +
			"`aliram_cross_account_role.trusted_principal_arns` checks it: the `acs:ram::` prefix, a 16-digit account " +
			"ID, `role/` or `user/`, and a name that follows that type's naming rule. No API call is made.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "arn",
				MarkdownDescription: "A RAM role or user ARN.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: parsedARNTypes},
	}
}

func (parseARNFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var arn string
	if resp.Error = req.Arguments.Get(ctx, &arn); resp.Error != nil {
		return
	}
	accountID, kind, name, err := policy.ParsePrincipalARN(arn)
	if resp.Error = firstArgumentError(err); resp.Error != nil {
		return
	}
	obj, diags := types.ObjectValue(parsedARNTypes, map[string]attr.Value{
		"account_id":    types.StringValue(accountID),
		"resource_type": types.StringValue(kind),
		"name":          types.StringValue(name),
	})
	if resp.Error = function.FuncErrorFromDiags(ctx, diags); resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}
