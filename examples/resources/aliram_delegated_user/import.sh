# A delegated user is imported by its id, the user ID (15 to 19 digits), or by its user name. An ID of
# digits is first tried as a user name, then looked up among the users (ram:ListUsers).
tofu import aliram_delegated_user.kafka_bot 216549873200011234
tofu import aliram_delegated_user.kafka_bot kafka-bot
