# The id of a role is its name. A trust document the typed arguments can express is imported as them, and
# also matches a configuration that gives it raw in assume_role_policy: the first plan is empty either way.
import {
  to = aliram_cross_account_role.kafka_ops
  id = "kafka-ops-enterprise-b"
}
