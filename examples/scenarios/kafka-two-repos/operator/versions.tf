terraform {
  # Write-only arguments (the employee's console password never reaches the state) need 1.11 or later;
  # provider functions (provider::aliram::role_arn) need Terraform 1.8 or OpenTofu 1.7.
  required_version = ">= 1.11.0"

  required_providers {
    aliram = {
      source = "aliram/aliram"
    }
  }
}
