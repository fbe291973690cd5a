output "role_arn" {
  description = "ARN of A's role: the RoleArn B's applications pass to STS AssumeRole."
  value       = aliram_cross_account_role.rocketmq.arn
}

output "policy_document" {
  description = "The least-privilege policy the role carries, as RAM stores it."
  value       = aliram_policy.orders.document
}

output "console_switch_role" {
  description = "What B's employee types on the console's Switch Identity page, after signing in to B's account."
  value = {
    enterprise_alias_or_account_id = coalesce(var.owner_account_alias, var.owner_account_id)
    role_name                      = aliram_cross_account_role.rocketmq.name
  }
}

output "logon_names" {
  description = "Console sign-in names of B's delegated users."
  value = merge(
    { (aliram_delegated_user.employee.name) = aliram_delegated_user.employee.logon_name },
    { for k, u in aliram_delegated_user.app : k => u.logon_name },
  )
}

output "app_access_key_ids" {
  description = "AccessKey ID of each application user."
  value       = { for k, u in aliram_delegated_user.app : k => u.programmatic_access.access_key_id }
}

output "app_access_key_secrets" {
  description = "AccessKey secret of each application user (tofu output -json app_access_key_secrets)."
  value       = { for k, u in aliram_delegated_user.app : k => u.programmatic_access.access_key_secret }
  sensitive   = true
}

output "ecs_instance_role_names" {
  description = "The instance RAM role to attach to each of B's ECS applications' instances (ECS RamRoleName)."
  value       = { for k, r in aliram_delegated_role.ecs_app : k => r.name }
}
