import {
  to = aliram_policy.rocketmq_orders
  id = "rocketmq-orders-enterprise-b"
}
