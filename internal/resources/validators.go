package resources

import "context"

// describedAs gives a validator of this package both its descriptions from one text: plain text is valid
// Markdown, so the two are the same.
type describedAs string

func (d describedAs) Description(context.Context) string         { return string(d) }
func (d describedAs) MarkdownDescription(context.Context) string { return string(d) }
