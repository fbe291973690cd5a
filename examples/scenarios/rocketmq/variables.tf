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
  default     = "orders-messaging-2026"
}

variable "contract_end" {
  description = "Optional end of the contract, RFC 3339 (for example 2027-06-30T23:59:59Z). After it nobody can assume the role."
  type        = string
  default     = null
}

variable "role_name" {
  description = "Name of the role in A that B's users assume."
  type        = string
  default     = "rocketmq-orders-partner"
}

variable "owner_account_alias" {
  description = "A's enterprise alias or default domain, if B's employees should type that instead of the account ID when they switch role."
  type        = string
  default     = null
}

# --- the RocketMQ resources B may use (ApsaraMQ for RocketMQ 4.x resource names) --------------------------

variable "instance_id" {
  description = "ID of A's ApsaraMQ for RocketMQ instance."
  type        = string
  default     = "MQ_INST_1234567890123456_BXhdqr7c"
}

variable "topic" {
  description = "The one topic B may publish to and subscribe from."
  type        = string
  default     = "orders"
}

variable "group_id" {
  description = "The one consumer group B may consume with."
  type        = string
  default     = "GID_orders_enterprise_b"
}

variable "region" {
  description = "Region of the instance, used in the resource ARNs; \"*\" for any."
  type        = string
  default     = "*"
}

# --- enterprise B's people and programs -------------------------------------------------------------------

variable "operator_employee" {
  description = "The B employee who watches the topic and its consumer group in the console."
  type = object({
    name         = string
    display_name = string
    email        = optional(string)
  })
  default = {
    name         = "mq-ops-bob"
    display_name = "Bob (messaging ops)"
  }
}

variable "employee_initial_password" {
  description = "Initial console password of the employee (8-32 characters); changed at the first logon. Write-only."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "employee_password_version" {
  description = "Increase to send a new employee_initial_password."
  type        = number
  default     = 1
}

variable "apps" {
  description = "B's applications that publish and consume with an AccessKey and STS tokens (the tutorial's STS method). One user each."
  type        = set(string)
  default     = ["orders-producer", "orders-consumer"]
}

variable "ecs_apps" {
  description = "B's applications on ECS: each gets an instance RAM role allowed to assume A's role, and no AccessKey."
  type        = set(string)
  default     = []
  validation {
    condition     = alltrue([for r in var.ecs_apps : can(regex("^[A-Za-z0-9._@-]{1,64}$", r))])
    error_message = "Each ECS application name becomes a role name: 1 to 64 letters, digits, '.', '_', '@' or '-'."
  }
}
