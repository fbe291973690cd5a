# Enterprise A's half of the Kafka delegation: the role enterprise B's users assume and what it may do.
# B's account ID is the one thing this repository needs from B. What B needs from A is the role_arn output,
# and the external ID, which A hands over out of band. `tofu destroy` here is A's revocation: it ends B's
# access at once, whatever B's repository still holds.

resource "aliram_cross_account_role" "kafka" {
  name                 = var.role_name
  description          = "Enterprise B maintains, monitors and manages our Kafka instances (contract ${var.contract_id})"
  trusted_account_ids  = [var.operator_account_id] # what B sent A
  external_id          = var.external_id           # sent to B out of band, never through B's repository
  valid_until          = var.contract_end
  max_session_duration = 3600

  # Revocation must not be blocked by a policy someone attached by hand.
  force_detach_policies = true

  tags = {
    contract = var.contract_id
    partner  = "enterprise-b"
  }
}

resource "aliram_role_policy_attachment" "kafka_full_access" {
  role_name   = aliram_cross_account_role.kafka.name
  policy_type = "System"
  policy_name = "AliyunKafkaFullAccess"
}
