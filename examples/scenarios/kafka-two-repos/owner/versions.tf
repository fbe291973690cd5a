terraform {
  # The same floor as B's repository (write-only arguments there); nothing here needs more than 1.8.
  required_version = ">= 1.11.0"

  required_providers {
    aliram = {
      source = "aliram/aliram"
    }
  }
}
