# Enterprise A's reviewers read the role B operates through, whoever manages it: its trust, its session limit
# and what is attached to it.
provider "aliram" {
  alias = "owner"
}

data "aliram_role" "kafka" {
  provider = aliram.owner
  name     = "kafka-operators"
}

output "kafka_role" {
  value = {
    arn                  = data.aliram_role.kafka.arn # what A sends B
    trusted_principals   = [for s in jsondecode(data.aliram_role.kafka.assume_role_policy).Statement : s.Principal.RAM]
    max_session_duration = data.aliram_role.kafka.max_session_duration
    policies             = [for p in data.aliram_role.kafka.attached_policies : "${p.policy_type}:${p.policy_name}"]
  }
}

# A check in A's pipeline: nothing but the contract's policy is attached to the role.
check "kafka_role_least_privilege" {
  assert {
    condition     = alltrue([for p in data.aliram_role.kafka.attached_policies : p.policy_name == "AliyunKafkaFullAccess"])
    error_message = "The Kafka operators' role carries a policy beyond AliyunKafkaFullAccess."
  }
}
