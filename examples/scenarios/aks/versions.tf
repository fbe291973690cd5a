terraform {
  # Write-only arguments (the employee's console password never reaches the state) need 1.11 or later,
  # in OpenTofu and in Terraform alike.
  required_version = ">= 1.11.0"

  required_providers {
    aliram = {
      source = "aliram/aliram"
    }
  }
}
