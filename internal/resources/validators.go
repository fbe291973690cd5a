package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// describedAs gives a validator of this package both its descriptions from one text: plain text is valid
// Markdown, so the two are the same.
type describedAs string

func (d describedAs) Description(context.Context) string         { return string(d) }
func (d describedAs) MarkdownDescription(context.Context) string { return string(d) }

// nonEmptySetOf validates a set of strings that holds at least one element, each of which element accepts.
func nonEmptySetOf(element validator.String) []validator.Set {
	return []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(element)}
}
