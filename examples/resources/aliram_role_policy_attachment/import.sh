# The import ID is the id, <role_name>:<policy_type>:<policy_name>.
tofu import aliram_role_policy_attachment.kafka_full_access kafka-ops-enterprise-b:System:AliyunKafkaFullAccess
