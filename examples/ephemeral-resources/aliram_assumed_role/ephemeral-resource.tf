# The STS method of Alibaba Cloud's RocketMQ cross-account tutorial, in Terraform: B's delegated user assumes A's role with its own AccessKey,
# and a provider block works inside A's account with the temporary credentials. Nothing reaches state.
provider "aliram" {
  alias      = "kafka_bot"
  access_key = var.kafka_bot_access_key_id
  secret_key = var.kafka_bot_access_key_secret
}

ephemeral "aliram_assumed_role" "kafka_ops" {
  provider         = aliram.kafka_bot
  role_arn         = "acs:ram::1000000000000001:role/kafka-ops-enterprise-b"
  session_name     = "kafka-bot"
  duration_seconds = 900
  external_id      = var.contract_external_id # the role's trust policy requires it
}

provider "aliram" {
  alias          = "as_kafka_ops"
  access_key     = ephemeral.aliram_assumed_role.kafka_ops.access_key_id
  secret_key     = ephemeral.aliram_assumed_role.kafka_ops.access_key_secret
  security_token = ephemeral.aliram_assumed_role.kafka_ops.security_token
}

# Proves the delegation: the caller is A's role, acs:ram::1000000000000001:assumed-role/kafka-ops-enterprise-b/kafka-bot
data "aliram_caller_identity" "as_kafka_ops" {
  provider = aliram.as_kafka_ops
}

variable "kafka_bot_access_key_id" {
  type = string
}

variable "kafka_bot_access_key_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "contract_external_id" {
  type      = string
  sensitive = true
}
