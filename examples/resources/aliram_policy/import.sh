# A custom policy is imported by its name.
tofu import aliram_policy.rocketmq_orders rocketmq-orders-enterprise-b
