import {
  to = aliram_role_policy_attachment.kafka_full_access
  id = "kafka-ops-enterprise-b:System:AliyunKafkaFullAccess"
}
