# Enterprise B's applications on ECS: no AccessKey anywhere. B's role is the instance RAM role of B's ECS
# instances and may assume only A's RocketMQ role (aliram_cross_account_role, provider aliram.owner).
resource "aliram_delegated_role" "orders_app" {
  provider    = aliram.operator
  name        = "orders-app"
  description = "Instance role of the orders service: publishes on A's RocketMQ topic"

  # trusted_services defaults to ["ecs.aliyuncs.com"]
  # A's role trusts this role's ARN below, so its ARN is built here from names: referring to
  # aliram_cross_account_role.rocketmq.arn would make a cycle.
  assumable_role_arns = [provider::aliram::role_arn(var.owner_account_id, "rocketmq-operators")]
}

# A's side trusts exactly that role of B (its ARN is known at plan time), not all of B's account.
resource "aliram_cross_account_role" "rocketmq" {
  provider               = aliram.owner
  name                   = "rocketmq-operators"
  trusted_principal_arns = [aliram_delegated_role.orders_app.arn]
  force_detach_policies  = true
}

# A role for B's own deployment pipeline as well as for Function Compute: B's own principals and other
# service principals may be trusted too (principals of other accounts are refused).
resource "aliram_delegated_role" "batch" {
  provider               = aliram.operator
  name                   = "orders-batch"
  trusted_services       = ["fc.aliyuncs.com"]
  trusted_principal_arns = ["acs:ram::6543210987654321:role/deployer"]
  assumable_role_arns    = [aliram_cross_account_role.rocketmq.arn]
}

variable "owner_account_id" {
  type = string # enterprise A
}

output "instance_ram_role_name" {
  # what B attaches to its ECS instances (ECS AttachInstanceRamRole, or the instance's RamRoleName)
  value = aliram_delegated_role.orders_app.name
}
