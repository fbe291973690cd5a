# A delegated user is imported by its user name. The console password and the AccessKey secret cannot be
# read back from RAM, so they are not imported: the next apply sets the configured password, and the
# imported AccessKey has no secret in state (remove programmatic_access and add it again to get a new key).
tofu import aliram_delegated_user.kafka_bot kafka-bot
