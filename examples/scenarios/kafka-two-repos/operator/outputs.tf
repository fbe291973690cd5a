# What B sends A: its account ID, the only value A's repository needs from B.
output "operator_account_id" {
  description = "B's account ID: A's operator_account_id variable, the account A's role trusts."
  value       = var.operator_account_id
}

output "owner_role_arn" {
  description = "The role of A that B's users may assume, as this repository names it (for B's reviewers)."
  value       = local.owner_role_arn
}

output "console_switch_role" {
  description = "What B's employees type on the console's Switch Role page, after signing in to B's account."
  value = {
    enterprise_alias_or_account_id = local.owner_role.account_id
    role_name                      = local.owner_role.name
  }
}

output "logon_names" {
  description = "Console sign-in names of B's delegated users (RAM user logon page)."
  value = {
    employee = aliram_delegated_user.employee.logon_name
    app      = aliram_delegated_user.app.logon_name
  }
}

output "app_access_key_id" {
  description = "AccessKey ID of B's application user."
  value       = aliram_delegated_user.app.programmatic_access.access_key_id
}

output "app_access_key_secret" {
  description = "AccessKey secret of B's application user: hand it to the application's secret store (tofu output -raw app_access_key_secret)."
  value       = aliram_delegated_user.app.programmatic_access.access_key_secret
  sensitive   = true
}
