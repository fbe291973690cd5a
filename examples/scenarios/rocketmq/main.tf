# Alibaba Cloud's RocketMQ cross-account tutorials: enterprise A owns an ApsaraMQ for RocketMQ instance; enterprise B publishes and
# subscribes on one topic with one consumer group, and nothing else. Least privilege at the three levels
# RocketMQ supports: instance, topic, group.

locals {
  # ApsaraMQ for RocketMQ 4.x resource names: acs:mq:<region>:<account>:<instance>[%<topic or group>]
  instance_arn = "acs:mq:${var.region}:${var.owner_account_id}:${var.instance_id}"
  topic_arn    = "${local.instance_arn}%${var.topic}"
  group_arn    = "${local.instance_arn}%${var.group_id}"
}

# Step 1.1 (enterprise A): the role enterprise B's account may assume.
resource "aliram_cross_account_role" "rocketmq" {
  provider = aliram.owner

  name                  = var.role_name
  description           = "Enterprise B publishes and subscribes on ${var.topic} of ${var.instance_id} (contract ${var.contract_id})"
  trusted_account_ids   = [var.operator_account_id]
  valid_until           = var.contract_end
  force_detach_policies = true

  tags = {
    contract = var.contract_id
    partner  = "enterprise-b"
  }
}

# Step 1.2 (enterprise A): a custom policy scoped to one instance, one topic and one group.
data "aliram_policy_document" "orders" {
  provider = aliram.owner

  statement {
    sid       = "ReadTheInstance"
    effect    = "Allow"
    actions   = ["mq:OnsInstanceBaseInfo"]
    resources = [local.instance_arn]
  }

  statement {
    sid       = "PublishAndSubscribeOnTheTopic"
    effect    = "Allow"
    actions   = ["mq:PUB", "mq:SUB", "mq:QueryMessage"]
    resources = [local.topic_arn]
  }

  statement {
    sid       = "ConsumeWithTheGroup"
    effect    = "Allow"
    actions   = ["mq:SUB"]
    resources = [local.group_arn]
  }
}

resource "aliram_policy" "orders" {
  provider = aliram.owner

  name        = "${var.role_name}-access"
  description = "Publish and subscribe on ${var.topic} with ${var.group_id} of ${var.instance_id}, nothing else"
  document    = data.aliram_policy_document.orders.json

  tags = {
    contract = var.contract_id
  }
}

# Step 1.3 (enterprise A): attach the custom policy, plus AliyunMQReadOnlyAccess so B's console users can
# see the instance's dashboards (read-only, all RocketMQ resources of A).
resource "aliram_role_policy_attachment" "orders" {
  provider = aliram.owner

  role_name   = aliram_cross_account_role.rocketmq.name
  policy_type = "Custom"
  policy_name = aliram_policy.orders.name
}

resource "aliram_role_policy_attachment" "read_only" {
  provider = aliram.owner

  role_name   = aliram_cross_account_role.rocketmq.name
  policy_type = "System"
  policy_name = "AliyunMQReadOnlyAccess"
}

# Step 1.4 (enterprise B): an employee for the console, and one user per application for the SDK with
# STS tokens. Each may assume exactly A's role.
resource "aliram_delegated_user" "employee" {
  provider = aliram.operator

  name                = var.operator_employee.name
  display_name        = var.operator_employee.display_name
  email               = var.operator_employee.email
  comments            = "Operates enterprise A's RocketMQ topic ${var.topic} (contract ${var.contract_id})"
  assumable_role_arns = [aliram_cross_account_role.rocketmq.arn]

  console_login = {
    password_wo         = var.employee_initial_password
    password_wo_version = var.employee_password_version
  }

  depends_on = [aliram_role_policy_attachment.orders, aliram_role_policy_attachment.read_only]
}

resource "aliram_delegated_user" "app" {
  provider = aliram.operator
  for_each = var.apps

  name                = each.key
  comments            = "Application on enterprise A's RocketMQ topic ${var.topic} (contract ${var.contract_id})"
  assumable_role_arns = [aliram_cross_account_role.rocketmq.arn]

  programmatic_access = {}

  depends_on = [aliram_role_policy_attachment.orders, aliram_role_policy_attachment.read_only]
}

# Seed 003, method 2 (enterprise B): applications on B's ECS instances hold no AccessKey at all. Each gets a
# role of B that B attaches to its instances as their instance RAM role (trusted by ecs.aliyuncs.com) and
# that may assume exactly A's role. A's trust of B's account lets B's roles in as it lets B's users in; A
# could narrow it to these roles with trusted_principal_arns = [aliram_delegated_role.ecs_app["..."].arn].
# ecs-app/ is such an application: instance credentials from the metadata service, then STS AssumeRole.
resource "aliram_delegated_role" "ecs_app" {
  provider = aliram.operator
  for_each = var.ecs_apps

  name                = each.key
  description         = "Instance RAM role of ${each.key} on enterprise A's RocketMQ topic ${var.topic} (contract ${var.contract_id})"
  assumable_role_arns = [aliram_cross_account_role.rocketmq.arn]

  depends_on = [aliram_role_policy_attachment.orders, aliram_role_policy_attachment.read_only]
}
