# Two aliased provider blocks: enterprise A owns the resources, enterprise B operates them.
provider "aliram" {
  alias               = "owner"
  expected_account_id = var.owner_account_id # refuse to touch any other account
  # credentials from ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET, or:
  # access_key = var.owner_access_key
  # secret_key = var.owner_secret_key
}

provider "aliram" {
  alias               = "operator"
  expected_account_id = var.operator_account_id
  profile             = "enterprise-b" # a profile written by `aliyun configure`
}

variable "owner_account_id" {
  type = string
}

variable "operator_account_id" {
  type = string
}
