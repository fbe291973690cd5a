import {
  to = aliram_role_policy_attachments_exclusive.kafka_ops
  id = "kafka-ops-enterprise-b"
}
