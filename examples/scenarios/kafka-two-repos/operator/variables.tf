# --- enterprise B's account -------------------------------------------------------------------------------

variable "operator_account_id" {
  description = "Enterprise B's account ID (16 digits): the account this repository writes to. Send it to A."
  type        = string
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
  description = "Profile of the Alibaba Cloud CLI configuration (aliyun configure) holding enterprise B's credentials."
  type        = string
  default     = null
}

variable "ram_endpoint" {
  description = "RAM endpoint URL. null means the real Alibaba Cloud; only the emulator (tests) sets it."
  type        = string
  default     = null
}

variable "sts_endpoint" {
  description = "STS endpoint URL. null means the real Alibaba Cloud."
  type        = string
  default     = null
}

# --- what A sent B: its role, by ARN or by account ID and name --------------------------------------------

variable "owner_role_arn" {
  description = "ARN of A's role, as A's role_arn output gives it. Leave null and set owner_account_id (and owner_role_name) instead when A sent those."
  type        = string
  default     = null

  validation {
    condition     = (var.owner_role_arn == null) != (var.owner_account_id == null)
    error_message = "Set either owner_role_arn (A's role_arn output) or owner_account_id (with owner_role_name), not both."
  }
  validation {
    condition     = var.owner_role_arn == null || provider::aliram::parse_arn(var.owner_role_arn).resource_type == "role"
    error_message = "owner_role_arn must name a role, acs:ram::<A's account ID>:role/<name>, not a user."
  }
  validation {
    condition     = var.owner_role_arn == null || provider::aliram::parse_arn(var.owner_role_arn).account_id != var.operator_account_id
    error_message = "owner_role_arn names a role of B's own account; it must be A's."
  }
}

variable "owner_account_id" {
  description = "A's account ID (16 digits), when A sent that and the role's name instead of the ARN."
  type        = string
  default     = null

  validation {
    condition     = var.owner_account_id != var.operator_account_id
    error_message = "owner_account_id is B's own account ID; it must be A's."
  }
}

variable "owner_role_name" {
  description = "Name of A's role, with owner_account_id."
  type        = string
  default     = "kafka-operators"
}

variable "contract_id" {
  description = "Reference of the contract between A and B; written into the users' comments."
  type        = string
  default     = "kafka-ops-2026"
}

# --- enterprise B's people and programs -------------------------------------------------------------------

variable "employee" {
  description = "The B employee who operates Kafka in the console."
  type = object({
    name         = string
    display_name = string
    email        = optional(string)
  })
  default = {
    name         = "kafka-ops-alice"
    display_name = "Alice (Kafka ops)"
  }
}

variable "employee_initial_password" {
  description = "Initial console password of the employee (8-32 characters); they must change it at the first logon. Write-only: never stored in the state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "employee_password_version" {
  description = "Increase to send a new employee_initial_password (the password itself is write-only)."
  type        = number
  default     = 1
}

variable "app_name" {
  description = "The B application (monitoring and automation) that calls Kafka APIs with an AccessKey."
  type        = string
  default     = "kafka-ops-automation"
}
