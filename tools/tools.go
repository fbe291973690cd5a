//go:build tools

// Package tools pins the development tools: tfplugindocs (docs) and staticcheck (lint).
// OpenTofu lives in its own module, tools/tofu, because its go.mod needs a version-pinned replace of
// hashicorp/hcl/v2 that other tools' requirements would otherwise step over.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
