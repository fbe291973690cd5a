# A role is imported by its id, the role name.
tofu import aliram_cross_account_role.kafka_ops kafka-ops-enterprise-b
