# account_id may be left out: it defaults to the account of the resource's provider block, and must be
# that account when given.
import {
  to = aliram_cross_account_role.kafka_ops
  identity = {
    account_id = "1234567890123456"
    name       = "kafka-ops-enterprise-b"
  }
}
