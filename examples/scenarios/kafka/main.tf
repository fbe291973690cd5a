# Enterprise A lets enterprise B maintain, monitor and manage its Message Queue for Apache Kafka instances,
# as in Alibaba Cloud's cross-account RAM role tutorial for Kafka. One apply sets up both sides; `destroy` is
# the end of the contract.

# Step 1 (enterprise A): a RAM role that enterprise B's account may assume, until the contract ends.
resource "aliram_cross_account_role" "kafka" {
  provider = aliram.owner

  name                 = var.role_name
  description          = "Enterprise B maintains, monitors and manages our Kafka instances (contract ${var.contract_id})"
  trusted_account_ids  = [var.operator_account_id]
  external_id          = var.external_id
  valid_until          = var.contract_end
  max_session_duration = 3600

  # Revocation must not be blocked by a policy someone attached by hand.
  force_detach_policies = true

  tags = {
    contract = var.contract_id
    partner  = "enterprise-b"
  }
}

# Step 2 (enterprise A): what the role may do. AliyunKafkaFullAccess is the system policy for managing
# instances, topics and consumer groups.
resource "aliram_role_policy_attachment" "kafka_full_access" {
  provider = aliram.owner

  role_name   = aliram_cross_account_role.kafka.name
  policy_type = "System"
  policy_name = "AliyunKafkaFullAccess"
}

# Steps 3 and 4 (enterprise B): RAM users allowed to assume exactly A's role. Instead of the tutorial's broad
# AliyunSTSAssumeRoleAccess, each user gets a managed policy allowing sts:AssumeRole on this one role ARN.
# Alibaba Cloud recommends one access mode per user: console for people, AccessKey for programs.

# An employee: console password logon, then "Switch Role" to A's role.
resource "aliram_delegated_user" "employee" {
  provider = aliram.operator

  name                = var.employee.name
  display_name        = var.employee.display_name
  email               = var.employee.email
  comments            = "Operates enterprise A's Kafka (contract ${var.contract_id})"
  assumable_role_arns = [aliram_cross_account_role.kafka.arn]

  console_login = {
    password_wo             = var.employee_initial_password
    password_wo_version     = var.employee_password_version
    password_reset_required = true
    mfa_bind_required       = true
  }

  # B's users are created once the role can do its job.
  depends_on = [aliram_role_policy_attachment.kafka_full_access]
}

# An application: one AccessKey, exchanged for A's role through STS AssumeRole.
resource "aliram_delegated_user" "app" {
  provider = aliram.operator

  name                = var.app_name
  display_name        = "Kafka ops automation"
  comments            = "Monitoring and automation for enterprise A's Kafka (contract ${var.contract_id})"
  assumable_role_arns = [aliram_cross_account_role.kafka.arn]

  programmatic_access = {}

  depends_on = [aliram_role_policy_attachment.kafka_full_access]
}
