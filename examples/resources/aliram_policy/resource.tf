# Least privilege for enterprise B on ApsaraMQ for RocketMQ: read the instance,
# publish to the orders topic and consume with its consumer group, nothing else.
resource "aliram_policy" "rocketmq_orders" {
  name        = "rocketmq-orders-enterprise-b"
  description = "Enterprise B may publish and subscribe on topic orders of instance MQ_INST_1234567890_BXdemo"
  document = jsonencode({
    Version = "1"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["mq:OnsInstanceBaseInfo", "mq:QueryMessage"]
        Resource = ["acs:mq:*:*:MQ_INST_1234567890_BXdemo"]
      },
      {
        Effect = "Allow"
        Action = ["mq:PUB", "mq:SUB"]
        Resource = [
          "acs:mq:*:*:MQ_INST_1234567890_BXdemo%orders",
          "acs:mq:*:*:MQ_INST_1234567890_BXdemo%GID_orders_enterprise_b",
        ]
      },
    ]
  })

  tags = {
    contract = "2026-0042"
  }
}
