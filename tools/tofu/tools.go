//go:build tools

// Package tofu pins the OpenTofu CLI used by the acceptance tests, the demo and the docs.
// It is built into bin/tofu by `make tofu`; it is never downloaded.
package tofu

import _ "github.com/opentofu/opentofu/cmd/tofu"
