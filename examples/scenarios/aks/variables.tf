# --- the two accounts -------------------------------------------------------------------------------------

variable "owner_account_id" {
  description = "Enterprise A's Alibaba Cloud account ID (16 digits): the account that owns the resources and the role."
  type        = string
}

variable "operator_account_id" {
  description = "Enterprise B's Alibaba Cloud account ID (16 digits): the account whose RAM users operate A's resources."
  type        = string
}

variable "owner_access_key" {
  description = "AccessKey ID for enterprise A. Leave null to use owner_profile or the environment."
  type        = string
  default     = null
  sensitive   = true
}

variable "owner_secret_key" {
  description = "AccessKey secret for enterprise A."
  type        = string
  default     = null
  sensitive   = true
}

variable "owner_profile" {
  description = "Profile of the Alibaba Cloud CLI configuration (aliyun configure) holding enterprise A's credentials."
  type        = string
  default     = null
}

variable "operator_access_key" {
  description = "AccessKey ID for enterprise B. Leave null to use operator_profile or the environment."
  type        = string
  default     = null
  sensitive   = true
}

variable "operator_secret_key" {
  description = "AccessKey secret for enterprise B."
  type        = string
  default     = null
  sensitive   = true
}

variable "operator_profile" {
  description = "Profile of the Alibaba Cloud CLI configuration holding enterprise B's credentials."
  type        = string
  default     = null
}

variable "ram_endpoint" {
  description = "RAM endpoint URL. null means the real Alibaba Cloud (https://ram.aliyuncs.com); the demo points it at the emulator."
  type        = string
  default     = null
}

variable "sts_endpoint" {
  description = "STS endpoint URL. null means the real Alibaba Cloud (https://sts.<region>.aliyuncs.com)."
  type        = string
  default     = null
}

# --- the contract -----------------------------------------------------------------------------------------

variable "contract_id" {
  description = "Reference of the contract between A and B; written into descriptions and tags."
  type        = string
  default     = "aks-ops-2026"
}

variable "contract_end" {
  description = "Optional end of the contract, RFC 3339. After it nobody can assume the role, even without a destroy."
  type        = string
  default     = null
}

variable "role_name" {
  description = "Name of the role in A that B's users switch to."
  type        = string
  default     = "aks-operations-enterprise-b"
}

variable "owner_account_alias" {
  description = "A's enterprise alias or default domain, if B's employees should type that instead of the account ID when they switch role."
  type        = string
  default     = null
}

variable "role_system_policies" {
  description = "System policies the role gets. SOFAStack has no resource-level (fine-grained) policies yet, so the choice is between full access and read-only access to all of A's SOFAStack resources."
  type        = set(string)
  default     = ["AliyunSOFAFullAccess"]
}

# --- enterprise B's people and programs -------------------------------------------------------------------

variable "employees" {
  description = "B's employees who operate A's AKS in the console, by RAM user name. Adding or removing one changes only that user."
  type = map(object({
    display_name = string
    email        = optional(string)
  }))
  default = {
    "aks-ops-carol" = { display_name = "Carol (AKS ops)" }
    "aks-ops-dave"  = { display_name = "Dave (AKS ops)" }
  }
}

variable "employee_initial_passwords" {
  description = "Initial console password of each employee, by user name (8-32 characters; changed at the first logon). Write-only."
  type        = map(string)
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Increase to send new initial passwords."
  type        = number
  default     = 1
}

variable "ci_user_name" {
  description = "B's deployment pipeline, which calls SOFAStack APIs with STS tokens."
  type        = string
  default     = "aks-deploy-pipeline"
}
