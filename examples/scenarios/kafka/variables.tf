# --- the two accounts -------------------------------------------------------------------------------------

variable "owner_account_id" {
  description = "Enterprise A's Alibaba Cloud account ID (16 digits): the account that owns Kafka and the role."
  type        = string
}

variable "operator_account_id" {
  description = "Enterprise B's Alibaba Cloud account ID (16 digits): the account whose RAM users operate A's Kafka."
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
  description = "Reference of the outsourcing contract between A and B; written into descriptions and tags."
  type        = string
  default     = "kafka-ops-2026"
}

variable "contract_end" {
  description = "End of the contract, RFC 3339 (for example 2027-06-30T23:59:59Z). After it nobody can assume the role, even if nobody runs destroy."
  type        = string
}

variable "external_id" {
  description = "Optional external ID that B's callers must pass to AssumeRole; A shares it with B out of band. The console's Switch Role page cannot send one, so when it is set only applications (STS API) can assume the role."
  type        = string
  default     = null
  sensitive   = true
}

variable "role_name" {
  description = "Name of the role in A that B's users switch to."
  type        = string
  default     = "kafka-operators"
}

variable "owner_account_alias" {
  description = "A's enterprise alias or default domain, if A wants B's employees to type that instead of the account ID when they switch role."
  type        = string
  default     = null
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
