// Package functions holds the provider-defined functions (Terraform 1.8+, OpenTofu 1.7+). They make no API
// call and need no credentials: they build and take apart RAM names with the rules the resources apply, so
// a configuration that only knows another enterprise's account ID and role name (the operator's repository
// in a two-repository delegation) can name the role without reading it.
package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

// All returns every function of the provider, for provider.Functions.
func All() []func() function.Function {
	return []func() function.Function{
		NewRoleARNFunction,
		NewLogonNameFunction,
		NewParseARNFunction,
	}
}

// firstArgumentError turns the first failed check into a function error on that argument: the CLI names
// one argument per error (`Invalid value for "role_name" parameter`), so reporting two at once would pin the
// second's text on the first.
func firstArgumentError(errs ...error) *function.FuncError {
	for i, err := range errs {
		if err != nil {
			return function.NewArgumentFuncError(int64(i), err.Error())
		}
	}
	return nil
}

// stringFunction is a provider function whose parameters are all strings: Metadata, Definition and Run are
// written once, and each function is its name, its definition and what it computes from its arguments.
type stringFunction struct {
	name       string
	definition function.Definition
	// compute checks the arguments (one per parameter, in order) and returns the result: a value
	// resp.Result.Set takes, or the error on the first argument that failed its check.
	compute func(ctx context.Context, args []string) (any, *function.FuncError)
}

var _ function.Function = stringFunction{}

func (f stringFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = f.name
}

func (f stringFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = f.definition
}

func (f stringFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	args := make([]string, len(f.definition.Parameters))
	targets := make([]any, len(args))
	for i := range args {
		targets[i] = &args[i]
	}
	if resp.Error = req.Arguments.Get(ctx, targets...); resp.Error != nil {
		return
	}
	result, err := f.compute(ctx, args)
	if resp.Error = err; resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, result)
}

// stringParameter is a function's string parameter.
func stringParameter(name, description string) function.Parameter {
	return function.StringParameter{Name: name, MarkdownDescription: description}
}
