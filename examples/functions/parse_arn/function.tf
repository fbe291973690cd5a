# Enterprise B receives A's role ARN and needs A's account ID and the role name, for the console's Switch
# Role page (which asks for both) and for a check that the ARN names the contract partner's account.
variable "owner_role_arn" {
  type    = string
  default = "acs:ram::1000000000000001:role/kafka-operators"

  validation {
    condition     = provider::aliram::parse_arn(var.owner_role_arn).resource_type == "role"
    error_message = "owner_role_arn must be a role ARN, not a user's."
  }
}

locals {
  owner_role = provider::aliram::parse_arn(var.owner_role_arn)
  # { account_id = "1000000000000001", resource_type = "role", name = "kafka-operators" }
}

output "console_switch_role" {
  value = {
    enterprise_alias_or_account_id = local.owner_role.account_id
    role_name                      = local.owner_role.name
  }
}
