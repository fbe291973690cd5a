# Least privilege for enterprise B on enterprise A's ApsaraMQ for RocketMQ instance: see the instance,
# publish to the orders topic, consume with B's consumer group, and only over the contract's network
# ranges. The rendered JSON is validated while planning and is the same byte for byte on every run.
locals {
  rocketmq_instance = "MQ_INST_1234567890_BXdemo"
}

data "aliram_policy_document" "rocketmq_orders" {
  statement {
    sid       = "InstanceReadOnly"
    actions   = ["mq:OnsInstanceBaseInfo", "mq:QueryMessage"]
    resources = ["acs:mq:*:*:${local.rocketmq_instance}"]
  }

  statement {
    sid     = "OrdersPubSub"
    actions = ["mq:PUB", "mq:SUB"]
    resources = [
      "acs:mq:*:*:${local.rocketmq_instance}%orders",                  # topic
      "acs:mq:*:*:${local.rocketmq_instance}%GID_orders_enterprise_b", # consumer group
    ]

    condition {
      test     = "IpAddress"
      variable = "acs:SourceIp"
      values   = ["203.0.113.0/24", "198.51.100.0/24"]
    }
  }

  # Belt and braces: whatever else gets attached to the role, it never deletes anything on the instance.
  statement {
    sid       = "NoDeletes"
    effect    = "Deny"
    actions   = ["mq:OnsTopicDelete", "mq:OnsGroupDelete", "mq:OnsInstanceDelete"]
    resources = ["acs:mq:*:*:${local.rocketmq_instance}*"]
  }
}

resource "aliram_policy" "rocketmq_orders" {
  name        = "rocketmq-orders-enterprise-b"
  description = "Enterprise B may publish and subscribe on topic orders of ${local.rocketmq_instance}"
  document    = data.aliram_policy_document.rocketmq_orders.json
}
