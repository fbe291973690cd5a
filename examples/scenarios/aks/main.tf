# Alibaba Cloud's AKS cross-account tutorial: enterprise A bought SOFAStack's container application service (AKS) and delegates its day-to-day
# operation to enterprise B. B decides which of its employees and programs may act, without A changing
# anything when B's staff changes; A revokes everything when the contract ends (destroy).

# Enterprise A: the role enterprise B's account may assume.
resource "aliram_cross_account_role" "aks" {
  provider = aliram.owner

  name                  = var.role_name
  description           = "Enterprise B operates our SOFAStack AKS (contract ${var.contract_id})"
  trusted_account_ids   = [var.operator_account_id]
  valid_until           = var.contract_end
  max_session_duration  = 7200
  force_detach_policies = true

  tags = {
    contract = var.contract_id
    partner  = "enterprise-b"
  }
}

# Enterprise A: a new role has no permissions. SOFAStack offers system policies only
# (AliyunSOFAFullAccess, AliyunSOFAReadOnlyAccess), no resource-level ones.
resource "aliram_role_policy_attachment" "sofa" {
  provider = aliram.owner
  for_each = var.role_system_policies

  role_name   = aliram_cross_account_role.aks.name
  policy_type = "System"
  policy_name = each.key
}

# Enterprise B: employees who sign in to the console and switch to A's role.
resource "aliram_delegated_user" "employee" {
  provider = aliram.operator
  for_each = var.employees

  name                = each.key
  display_name        = each.value.display_name
  email               = each.value.email
  comments            = "Operates enterprise A's AKS (contract ${var.contract_id})"
  assumable_role_arns = [aliram_cross_account_role.aks.arn]

  console_login = {
    password_wo             = var.employee_initial_passwords[each.key]
    password_wo_version     = var.password_version
    password_reset_required = true
    mfa_bind_required       = true
  }

  depends_on = [aliram_role_policy_attachment.sofa]
}

# Enterprise B: the deployment pipeline, with an AccessKey it exchanges for A's role through STS.
resource "aliram_delegated_user" "ci" {
  provider = aliram.operator

  name                = var.ci_user_name
  display_name        = "AKS deploy pipeline"
  comments            = "Deploys to enterprise A's AKS (contract ${var.contract_id})"
  assumable_role_arns = [aliram_cross_account_role.aks.arn]

  programmatic_access = {}

  depends_on = [aliram_role_policy_attachment.sofa]
}
