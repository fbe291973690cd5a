# Enterprise B's repository names enterprise A's role from what A sent: its account ID and the role's name.
# No credentials for A are needed; the result is checked as aliram_delegated_user checks role ARNs.
variable "owner_account_id" {
  type    = string
  default = "1000000000000001"
}

resource "aliram_delegated_user" "app" {
  name                = "kafka-ops-automation"
  assumable_role_arns = [provider::aliram::role_arn(var.owner_account_id, "kafka-operators")]
}

output "role_arn" {
  value = provider::aliram::role_arn(var.owner_account_id, "kafka-operators") # acs:ram::1000000000000001:role/kafka-operators
}
