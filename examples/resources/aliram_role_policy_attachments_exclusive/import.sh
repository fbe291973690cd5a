# The import ID is the id, the role name; every policy attached to the role then becomes the exclusive set.
tofu import aliram_role_policy_attachments_exclusive.kafka_ops kafka-ops-enterprise-b
