#!/usr/bin/env bash
# make demo: the seeds' story end to end on the bundled emulator, as a user would run it.
#   enterprise A (owner) and enterprise B (operator) are the emulator's two demo accounts;
#   examples/scenarios/kafka is applied with bin/tofu in one plan/apply with two aliased providers;
#   then, with the raw Alibaba Cloud SDK (internal/demo), B's delegated application user proves the delegation
#   works and is bounded; `tofu destroy` ends the contract and the same proofs show it is gone.
# Each step prints one line; the first failing step prints FAIL and the script exits non-zero.
# No secret is printed: keys travel in environment variables and 0600 files inside a temporary directory.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/bin"
tofu="$bin/tofu"
scenario="$root/examples/scenarios/kafka"

A_ID=1000000000000001 A_KEY=LTAI5tDemoEnterpriseA0001 A_SECRET=DemoSecretEnterpriseA000000000001
B_ID=1000000000000002 B_KEY=LTAI5tDemoEnterpriseB0002 B_SECRET=DemoSecretEnterpriseB000000000002
ROLE=kafka-operators
APP=kafka-ops-automation
OUTSIDER=demo-outsider

TOTAL=16
step=0
started=$SECONDS
ok() { step=$((step + 1)); printf 'ok   %d/%d %s\n' "$step" "$TOTAL" "$*"; }
fail() {
  printf 'FAIL %d/%d %s\n' "$((step + 1))" "$TOTAL" "$*"
  exit 1
}
indent() { sed 's/^/     | /'; }

for f in "$tofu" "$bin/terraform-provider-aliram" "$bin/ramemu"; do
  [ -x "$f" ] || fail "$f is missing: run make demo (it builds bin/ first)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/aliram-demo.XXXXXX")"
emu_pid=""
cleanup() {
  rc=$?
  if [ -n "$emu_pid" ]; then
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  if [ "$rc" -eq 0 ]; then
    rm -rf "$work"
  else
    echo "     work directory kept for inspection: $work (emulator log: $work/ramemu.log)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The proofs: a small Go program over the raw SDK, built once.
(cd "$root" && go build -o "$work/democheck" ./internal/demo/cmd/democheck) || fail "building internal/demo/cmd/democheck"
check() { "$work/democheck" "$1" -endpoint "$url" "${@:2}"; }

# --- 1. the emulator --------------------------------------------------------------------------------------
"$bin/ramemu" --listen 127.0.0.1:0 --state "$work/ramemu-state.json" --log >"$work/ramemu.out" 2>"$work/ramemu.log" &
emu_pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/^ramemu listening on //p' "$work/ramemu.out")"
  [ -n "$url" ] && break
  kill -0 "$emu_pid" 2>/dev/null || fail "the emulator exited: $(tail -n 3 "$work/ramemu.log")"
  sleep 0.1
done
[ -n "$url" ] || fail "the emulator did not start within 10 s"
out="$(check empty "$A_ID" "$B_ID" 2>&1)" || fail "fresh emulator: $out"
ok "emulator on $url: enterprise A ($A_ID) and B ($B_ID), both empty"

# --- the CLI: the provider from bin/ under both registry addresses, nothing downloaded --------------------
cat >"$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.opentofu.org/aliram/aliram"  = "$bin"
    "registry.terraform.io/aliram/aliram" = "$bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_WORKSPACE TF_DATA_DIR
mkdir "$work/kafka"
cp "$scenario"/*.tf "$work/kafka/"
tf() { "$tofu" -chdir="$work/kafka" "$@"; }

# The scenario's variables: both accounts' root keys (sensitive), the emulator, the contract.
export TF_VAR_owner_account_id=$A_ID TF_VAR_owner_access_key=$A_KEY TF_VAR_owner_secret_key=$A_SECRET
export TF_VAR_operator_account_id=$B_ID TF_VAR_operator_access_key=$B_KEY TF_VAR_operator_secret_key=$B_SECRET
export TF_VAR_ram_endpoint=$url TF_VAR_sts_endpoint=$url
export TF_VAR_contract_end="$(date -u -d '+1 year' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+1y +%Y-%m-%dT%H:%M:%SZ)"
export TF_VAR_external_id="kafka-contract-$RANDOM$RANDOM"
export TF_VAR_employee_initial_password="Demo-$RANDOM-Passw0rd!"
export TF_VAR_role_name=$ROLE TF_VAR_app_name=$APP

# --- 2. plan ----------------------------------------------------------------------------------------------
echo "     tofu plan (examples/scenarios/kafka, owner = enterprise A, operator = enterprise B):"
if ! tf plan -no-color -out="$work/kafka.tfplan" >"$work/plan.txt" 2>&1; then
  indent <"$work/plan.txt"
  fail "tofu plan"
fi
# The plan as a reviewer sees it, without the CLI's dev_overrides banner (the provider comes from bin/).
sed -n '/used the selected providers/,$p' "$work/plan.txt" | cat -s | indent
summary="$(grep -o 'Plan: .*' "$work/plan.txt" || true)"
[ -n "$summary" ] || fail "tofu plan printed no summary"
ok "tofu plan: ${summary#Plan: }"

# --- 3. apply ---------------------------------------------------------------------------------------------
if ! tf apply -no-color -auto-approve "$work/kafka.tfplan" >"$work/apply.txt" 2>&1; then
  indent <"$work/apply.txt"
  fail "tofu apply"
fi
ok "tofu apply: $(grep -o 'Apply complete! .*' "$work/apply.txt" | sed 's/^Apply complete! //')"

# --- 4. outputs -------------------------------------------------------------------------------------------
tf output -no-color >"$work/outputs.txt" 2>&1 || { indent <"$work/outputs.txt"; fail "tofu output"; }
indent <"$work/outputs.txt"
role_arn="$(tf output -raw role_arn)"
[ "$role_arn" = "acs:ram::$A_ID:role/$ROLE" ] || fail "output role_arn is $role_arn, expected acs:ram::$A_ID:role/$ROLE"
grep -q "app_access_key_secret = <sensitive>" "$work/outputs.txt" || fail "the app user's secret is not a sensitive output"
ok "outputs: role $role_arn; the app user's AccessKey secret is a sensitive output"

# B's application user, with its own AccessKey from the state (never printed).
app_key_id="$(tf output -raw app_access_key_id)"
app_key_secret="$(tf output -raw app_access_key_secret)"
[ -n "$app_key_id" ] && [ -n "$app_key_secret" ] || fail "the app user's AccessKey is not in the outputs"
(umask 077 && printf '{"access_key_id":"%s","access_key_secret":"%s"}' "$app_key_id" "$app_key_secret" >"$work/app.key")
unset app_key_secret

# --- 5..10. the delegation works, and only as far as the contract says -------------------------------------
out="$(check identity -key-file "$work/app.key" -expect-arn "acs:ram::$B_ID:user/$APP" 2>&1)" || fail "B's app key: $out"
ok "B's app key belongs to B's RAM user: $out"

out="$(check refused -key-file "$work/app.key" -role-arn "$role_arn" -session kafka-ops -code NoPermission 2>&1)" ||
  fail "AssumeRole without the external ID: $out"
ok "AssumeRole without the contract's external ID refused: $out"

out="$(check assume -key-file "$work/app.key" -role-arn "$role_arn" -session kafka-ops -external-id-env TF_VAR_external_id -save "$work/session.key" 2>&1)" ||
  fail "B's app user could not assume A's role: $out"
ok "B's app user assumed A's role $ROLE: $out"

out="$(check identity -key-file "$work/session.key" -expect-arn "acs:ram::$A_ID:assumed-role/$ROLE/kafka-ops" 2>&1)" ||
  fail "the session is not A's role: $out"
ok "the session acts as A's role: $out"

out="$(check cannot-write -key-file "$work/session.key" -role-name "$ROLE" 2>&1)" || fail "the session changed A's RAM: $out"
ok "the session cannot change A's RAM: $out"

out="$(DEMO_ACCESS_KEY_ID=$B_KEY DEMO_ACCESS_KEY_SECRET=$B_SECRET check create-user -name "$OUTSIDER" -save "$work/outsider.key" 2>&1)" ||
  fail "creating B's outsider user: $out"
out="$(check refused -key-file "$work/outsider.key" -role-arn "$role_arn" -session outsider -external-id-env TF_VAR_external_id -code NoPermission 2>&1)" ||
  fail "a B user outside the delegation: $out"
ok "B user $OUTSIDER (created outside Terraform, no policy) refused: $out"

# --- 11. the contract ends ---------------------------------------------------------------------------------
if ! tf destroy -no-color -auto-approve >"$work/destroy.txt" 2>&1; then
  indent <"$work/destroy.txt"
  fail "tofu destroy"
fi
ok "tofu destroy: $(grep -o 'Destroy complete! .*' "$work/destroy.txt" | sed 's/^Destroy complete! //')"

# --- 12..16. nothing is left of the delegation ---------------------------------------------------------------
out="$(check refused -key-file "$work/app.key" -role-arn "$role_arn" -session kafka-ops -external-id-env TF_VAR_external_id -code InvalidAccessKeyId 2>&1)" ||
  fail "B's old app key after destroy: $out"
ok "B's app user's old AccessKey is dead: $out"

# A B user that could assume any role (AliyunSTSAssumeRoleAccess) still gets nothing: A's role is gone.
out="$(DEMO_ACCESS_KEY_ID=$B_KEY DEMO_ACCESS_KEY_SECRET=$B_SECRET check attach-user-policy -name "$OUTSIDER" -policy AliyunSTSAssumeRoleAccess 2>&1)" ||
  fail "granting $OUTSIDER AliyunSTSAssumeRoleAccess: $out"
out="$(check refused -key-file "$work/outsider.key" -role-arn "$role_arn" -session outsider -external-id-env TF_VAR_external_id -code EntityNotExist.Role 2>&1)" ||
  fail "AssumeRole after destroy: $out"
ok "AssumeRole into A's role by a B user with AliyunSTSAssumeRoleAccess now fails: $out"

out="$(DEMO_ACCESS_KEY_ID=$B_KEY DEMO_ACCESS_KEY_SECRET=$B_SECRET check delete-user -name "$OUTSIDER" 2>&1)" || fail "$out"
ok "demo's own out-of-band user removed: $out"

out="$(check empty "$A_ID" "$B_ID" 2>&1)" || fail "after destroy: $out"
ok "$out"

state_users="$(tf state list 2>/dev/null | wc -l)"
[ "$state_users" -eq 0 ] || fail "the Terraform state still lists $state_users resources"
ok "the Terraform state is empty; demo took $((SECONDS - started)) s"
