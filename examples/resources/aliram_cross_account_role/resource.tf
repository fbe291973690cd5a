# Enterprise A (the provider's account) lets enterprise B's account operate its
# Message Queue for Apache Kafka instances until the contract ends.
resource "aliram_cross_account_role" "kafka_ops" {
  name                 = "kafka-ops-enterprise-b"
  description          = "Enterprise B maintains, monitors and manages our Kafka instances (contract 2026-0042)"
  trusted_account_ids  = ["1000000000000002"]
  external_id          = "contract-2026-0042"
  valid_until          = "2027-06-30T23:59:59Z"
  max_session_duration = 7200

  # Revocation must never be blocked by a policy someone attached by hand.
  force_detach_policies = true

  tags = {
    contract = "2026-0042"
    partner  = "enterprise-b"
  }
}

# Narrower trust for ApsaraMQ for RocketMQ: one RAM user of enterprise B,
# signed in with MFA, calling from enterprise B's office network.
resource "aliram_cross_account_role" "rocketmq_publisher" {
  name                   = "rocketmq-publisher-enterprise-b"
  trusted_principal_arns = ["acs:ram::1000000000000002:user/mq-publisher"]
  require_mfa            = true
  allowed_source_ips     = ["203.0.113.0/24", "198.51.100.7"]
}

# Anything the typed arguments cannot express goes into a raw trust policy,
# for example trusting a cloud service instead of an account.
resource "aliram_cross_account_role" "ecs_service" {
  name = "ecs-instance-role"
  assume_role_policy = jsonencode({
    Version = "1"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["ecs.aliyuncs.com"] }
    }]
  })
}

# Enterprise B's users pass this ARN (and the external ID) to STS AssumeRole.
output "kafka_ops_role_arn" {
  value = aliram_cross_account_role.kafka_ops.arn
}
