# Which account is each provider block signed in to? One read per block: enterprise A (owner) and
# enterprise B (operator).
provider "aliram" {
  alias = "owner" # credentials from the environment
}

provider "aliram" {
  alias   = "operator"
  profile = "enterprise-b" # a profile written by `aliyun configure`
}

data "aliram_caller_identity" "owner" {
  provider = aliram.owner
}

data "aliram_caller_identity" "operator" {
  provider = aliram.operator
}

# A's role trusts whichever account B's block signs in to; no account ID is typed twice.
resource "aliram_cross_account_role" "kafka_ops" {
  provider            = aliram.owner
  name                = "kafka-ops-enterprise-b"
  trusted_account_ids = [data.aliram_caller_identity.operator.account_id]

  lifecycle {
    # Fail the plan when both blocks ended up in the same account (for example both reading
    # ALIBABA_CLOUD_ACCESS_KEY_ID from the environment).
    precondition {
      condition     = data.aliram_caller_identity.owner.account_id != data.aliram_caller_identity.operator.account_id
      error_message = "The owner and operator provider blocks sign in to the same account."
    }
  }
}

output "owner_account_id" {
  value = data.aliram_caller_identity.owner.account_id # what B's employees type when they switch role
}

output "operator_caller_arn" {
  value = data.aliram_caller_identity.operator.arn # acs:ram::<B>:root or acs:ram::<B>:user/<name>
}
