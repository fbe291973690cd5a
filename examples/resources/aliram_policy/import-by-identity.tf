# account_id may be left out: it defaults to the account of the resource's provider block.
import {
  to = aliram_policy.rocketmq_orders
  identity = {
    account_id = "1234567890123456"
    name       = "rocketmq-orders-enterprise-b"
  }
}
