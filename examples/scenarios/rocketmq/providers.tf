# Two provider blocks, one per enterprise. Every resource below names the account it lives in, so the plan
# shows on which side of the contract each change happens. expected_account_id makes each block refuse to
# change anything when its credentials belong to another account (for example both blocks picking up the same
# ALIBABA_CLOUD_ACCESS_KEY_ID from the environment).

# Enterprise A: owns the ApsaraMQ for RocketMQ instance, creates the role and decides what it may do.
provider "aliram" {
  alias               = "owner"
  expected_account_id = var.owner_account_id
  access_key          = var.owner_access_key
  secret_key          = var.owner_secret_key
  profile             = var.owner_profile

  # null (the default) means the real Alibaba Cloud endpoints.
  endpoints {
    ram = var.ram_endpoint
    sts = var.sts_endpoint
  }
}

# Enterprise B: publishes and subscribes on A's topic; creates its own RAM users and lets them assume the role.
provider "aliram" {
  alias               = "operator"
  expected_account_id = var.operator_account_id
  access_key          = var.operator_access_key
  secret_key          = var.operator_secret_key
  profile             = var.operator_profile

  endpoints {
    ram = var.ram_endpoint
    sts = var.sts_endpoint
  }
}
