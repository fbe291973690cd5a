# Give the role assumed by enterprise B full control of Kafka (a system policy).
resource "aliram_role_policy_attachment" "kafka_full_access" {
  role_name   = aliram_cross_account_role.kafka_ops.name
  policy_name = "AliyunKafkaFullAccess"
  policy_type = "System"
}

# Or least privilege: a custom policy scoped to the RocketMQ topics and groups
# enterprise B may use.
resource "aliram_role_policy_attachment" "rocketmq_orders" {
  role_name   = aliram_cross_account_role.rocketmq_publisher.name
  policy_name = aliram_policy.rocketmq_orders.name
  policy_type = "Custom"
}
