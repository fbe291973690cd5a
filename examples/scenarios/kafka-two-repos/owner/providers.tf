# Enterprise A's repository holds enterprise A's credentials only: one provider block, for A's account.
# expected_account_id makes it refuse any write when the credentials belong to another account (for example
# B's keys left in the environment of a shared runner).
provider "aliram" {
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
