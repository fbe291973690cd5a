# The name B's employee types on the RAM user logon page, known before the user exists (for an invitation
# mail, a wiki page or a password-manager entry).
output "alice_signs_in_as" {
  value = provider::aliram::logon_name("kafka-ops-alice", "enterprise-b") # kafka-ops-alice@enterprise-b.onaliyun.com
}

# An account without an alias signs in with its ID.
output "by_account_id" {
  value = provider::aliram::logon_name("kafka-ops-alice", "1000000000000002") # kafka-ops-alice@1000000000000002.onaliyun.com
}
