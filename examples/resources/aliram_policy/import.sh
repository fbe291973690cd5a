# A custom policy is imported by its id, the policy name.
tofu import aliram_policy.rocketmq_orders rocketmq-orders-enterprise-b
