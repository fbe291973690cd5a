# Enterprise B's half of the Kafka delegation: B's own RAM users, each allowed to assume exactly A's role.
# The role is A's: B names it with what A sent (its ARN, or A's account ID and the role's name) and cannot
# read, change or delete it. `tofu destroy` here removes B's users; it does not touch A's role.

locals {
  # What A's role_arn output says, or the same ARN built from A's account ID and the role's name.
  owner_role_arn = var.owner_role_arn != null ? var.owner_role_arn : provider::aliram::role_arn(var.owner_account_id, var.owner_role_name)
  owner_role     = provider::aliram::parse_arn(local.owner_role_arn) # { account_id, resource_type, name }
}

# An employee: console password logon, then "Switch Role" to A's role.
resource "aliram_delegated_user" "employee" {
  name                = var.employee.name
  display_name        = var.employee.display_name
  email               = var.employee.email
  comments            = "Operates enterprise A's Kafka (contract ${var.contract_id})"
  assumable_role_arns = [local.owner_role_arn]

  console_login = {
    password_wo             = var.employee_initial_password
    password_wo_version     = var.employee_password_version
    password_reset_required = true
    mfa_bind_required       = true
  }
}

# An application: one AccessKey, exchanged for A's role through STS AssumeRole (with the external ID A gave
# B out of band, when the role requires one: the application's secret, not this repository's).
resource "aliram_delegated_user" "app" {
  name                = var.app_name
  display_name        = "Kafka ops automation"
  comments            = "Monitoring and automation for enterprise A's Kafka (contract ${var.contract_id})"
  assumable_role_arns = [local.owner_role_arn]

  programmatic_access = {}
}
