#!/usr/bin/env bash
# Generates docs/ with tfplugindocs, offline: the provider schema comes from bin/tofu (never a downloaded
# terraform), fed to tfplugindocs through --providers-schema.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
touch "$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc" CHECKPOINT_DISABLE=1

plugin_dir="$work/plugins/registry.terraform.io/hashicorp/aliram/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$plugin_dir"
go build -o "$plugin_dir/terraform-provider-aliram" .
cat > "$work/main.tf" <<'TF'
terraform {
  required_providers {
    aliram = { source = "registry.terraform.io/hashicorp/aliram" }
  }
}
TF
"$root/bin/tofu" -chdir="$work" init -input=false -backend=false -plugin-dir=./plugins >/dev/null
"$root/bin/tofu" -chdir="$work" providers schema -json > "$work/schema.json"

# tfplugindocs logs at debug level on stderr; show it only when a step fails.
run() { "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; return 1; }; }
run "$root/bin/tfplugindocs" generate --provider-dir . --provider-name aliram --providers-schema "$work/schema.json" \
  --rendered-website-dir docs
run "$root/bin/tfplugindocs" validate --provider-dir . --provider-name aliram --providers-schema "$work/schema.json"
echo "docs/ regenerated"
