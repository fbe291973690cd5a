output "role_arn" {
  description = "ARN of A's role: the RoleArn B's applications pass to STS AssumeRole."
  value       = aliram_cross_account_role.kafka.arn
}

output "console_switch_role" {
  description = "What B's employees type on the console's Switch Role page, after signing in to B's account."
  value = {
    enterprise_alias_or_account_id = coalesce(var.owner_account_alias, var.owner_account_id)
    role_name                      = aliram_cross_account_role.kafka.name
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

output "contract_end" {
  description = "After this time the role cannot be assumed any more."
  value       = aliram_cross_account_role.kafka.valid_until
}
