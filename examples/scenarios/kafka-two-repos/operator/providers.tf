# Enterprise B's repository holds enterprise B's credentials only: one provider block, for B's account. Nothing
# here reads or writes A's account; A's role is named, never looked up.
provider "aliram" {
  expected_account_id = var.operator_account_id
  access_key          = var.operator_access_key
  secret_key          = var.operator_secret_key
  profile             = var.operator_profile

  endpoints {
    ram = var.ram_endpoint
    sts = var.sts_endpoint
  }
}
