# Enterprise B's side of the delegation. The role lives in A (aliram_cross_account_role, provider aliram.owner).

# An employee: console password, allowed to assume only A's Kafka role.
resource "aliram_delegated_user" "alice" {
  provider     = aliram.operator
  name         = "alice"
  display_name = "Alice (Kafka on-call)"
  email        = "alice@enterprise-b.example"

  assumable_role_arns = [aliram_cross_account_role.kafka_ops.arn]

  console_login = {
    # Write-only: sent to RAM, never stored in plan or state (OpenTofu/Terraform 1.11+).
    # Bump password_wo_version to send a new password.
    password_wo             = var.alice_initial_password
    password_wo_version     = 1
    password_reset_required = true
    mfa_bind_required       = true
  }
}

# An application: one AccessKey, whose secret reaches state only encrypted for B's operations team.
# Raising the version rotates the key without downtime: the new key is created first and the old one
# (previous_access_key_id) keeps working for a week; the first plan after that deletes it.
resource "aliram_delegated_user" "kafka_bot" {
  provider = aliram.operator
  name     = "kafka-bot"

  assumable_role_arns = [aliram_cross_account_role.kafka_ops.arn]

  programmatic_access = {
    pgp_key = file("${path.module}/ops-team.pub.asc")
    rotation = {
      keepers = { version = "1" } # or { rotation = time_rotating.kafka_bot_key.id }
      overlap = "168h"
    }
  }
}

# Leaving assumable_role_arns unset attaches the system policy AliyunSTSAssumeRoleAccess (any role),
# exactly as the Alibaba Cloud tutorials do.
resource "aliram_delegated_user" "legacy" {
  provider      = aliram.operator
  name          = "legacy-operator"
  console_login = { password = var.legacy_password }
}

variable "alice_initial_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "legacy_password" {
  type      = string
  sensitive = true
}

output "alice_logon_name" {
  value = aliram_delegated_user.alice.logon_name # alice@enterprise-b.onaliyun.com
}

output "kafka_bot_access_key_id" {
  value = aliram_delegated_user.kafka_bot.programmatic_access.access_key_id
}

output "kafka_bot_previous_access_key_id" {
  # still active until previous_access_key_expires_at; null when there is none
  value = aliram_delegated_user.kafka_bot.programmatic_access.previous_access_key_id
}

output "kafka_bot_secret_encrypted" {
  # base64 -d | gpg --decrypt
  value = aliram_delegated_user.kafka_bot.programmatic_access.access_key_secret_encrypted
}
