# --- enterprise A's account -------------------------------------------------------------------------------

variable "owner_account_id" {
  description = "Enterprise A's account ID (16 digits): the account this repository writes to."
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

variable "owner_account_alias" {
  description = "A's enterprise alias, if A wants B's employees to type that instead of the account ID when they switch role."
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

# --- what B sent A ----------------------------------------------------------------------------------------

variable "operator_account_id" {
  description = "Enterprise B's account ID (16 digits), as B sent it: the account the role trusts. B's repository outputs it."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{16}$", var.operator_account_id))
    error_message = "operator_account_id must be B's 16-digit account ID."
  }
}

# --- the contract -----------------------------------------------------------------------------------------

variable "contract_id" {
  description = "Reference of the contract between A and B; written into descriptions and tags."
  type        = string
  default     = "kafka-ops-2026"
}

variable "contract_end" {
  description = "End of the contract, RFC 3339 (for example 2027-06-30T23:59:59Z). After it nobody can assume the role."
  type        = string
}

variable "external_id" {
  description = "Optional external ID B's applications must pass to AssumeRole. A keeps it in its secret store and gives it to B out of band; it never appears in B's repository. The console's Switch Role page cannot send one."
  type        = string
  default     = null
  sensitive   = true
}

variable "role_name" {
  description = "Name of the role in A. Tell B if you change it: B may name the role by account ID and name instead of the ARN."
  type        = string
  default     = "kafka-operators"
}
