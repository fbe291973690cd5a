# account_id may be left out: it defaults to the account of the resource's provider block.
import {
  to = aliram_role_policy_attachments_exclusive.kafka_ops
  identity = {
    account_id = "1234567890123456"
    role_name  = "kafka-ops-enterprise-b"
  }
}
