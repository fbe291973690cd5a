# What A sends B. None of it is secret: B's repository is another company's, and these values go into its
# variables (or its review).

output "role_arn" {
  description = "ARN of the role B's users may assume: B's owner_role_arn variable, and the RoleArn B's applications pass to STS AssumeRole."
  value       = aliram_cross_account_role.kafka.arn
  # The role can do its job only once its policy is attached; B should not start before.
  depends_on = [aliram_role_policy_attachment.kafka_full_access]
}

output "console_switch_role" {
  description = "What B's employees type on the console's Switch Role page."
  value = {
    enterprise_alias_or_account_id = coalesce(var.owner_account_alias, var.owner_account_id)
    role_name                      = aliram_cross_account_role.kafka.name
  }
}

output "contract_end" {
  description = "After this time the role cannot be assumed any more, even if nobody runs destroy."
  value       = aliram_cross_account_role.kafka.valid_until
}

output "external_id_required" {
  description = "Whether B's applications must pass an external ID to AssumeRole (its value travels out of band)."
  value       = nonsensitive(var.external_id != null) # whether there is one is no secret; its value is
}
