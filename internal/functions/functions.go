// Package functions holds the provider-defined functions (Terraform 1.8+, OpenTofu 1.7+). They make no API
// call and need no credentials: they build and take apart RAM names with the rules the resources apply, so
// a configuration that only knows another enterprise's account ID and role name (the operator's repository
// in a two-repository delegation) can name the role without reading it.
package functions

import (
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
