# The role assumed by enterprise B holds exactly these policies: one attached by an
# aliram_role_policy_attachment, one attached by this resource. A policy attached by
# hand (AdministratorAccess, say) shows in the next plan and is detached by apply.
resource "aliram_role_policy_attachments_exclusive" "kafka_ops" {
  role_name       = aliram_cross_account_role.kafka_ops.name
  system_policies = [aliram_role_policy_attachment.kafka_full_access.policy_name]
  custom_policies = [aliram_policy.kafka_orders.name]
}
