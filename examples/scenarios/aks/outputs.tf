output "role_arn" {
  description = "ARN of A's role: the RoleArn B's pipeline passes to STS AssumeRole."
  value       = aliram_cross_account_role.aks.arn
}

output "console_switch_role" {
  description = "What B's employees type on the console's Switch Role page, after signing in to B's account."
  value = {
    enterprise_alias_or_account_id = coalesce(var.owner_account_alias, var.owner_account_id)
    role_name                      = aliram_cross_account_role.aks.name
  }
}

output "logon_names" {
  description = "Console sign-in names of B's delegated users."
  value = merge(
    { for k, u in aliram_delegated_user.employee : k => u.logon_name },
    { (aliram_delegated_user.ci.name) = aliram_delegated_user.ci.logon_name },
  )
}

output "ci_access_key_id" {
  description = "AccessKey ID of the pipeline user."
  value       = aliram_delegated_user.ci.programmatic_access.access_key_id
}

output "ci_access_key_secret" {
  description = "AccessKey secret of the pipeline user (tofu output -raw ci_access_key_secret)."
  value       = aliram_delegated_user.ci.programmatic_access.access_key_secret
  sensitive   = true
}
