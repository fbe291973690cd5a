# The user ID (the resource's id) or the user name. The resource's provider block is the operator's (B).
import {
  to       = aliram_delegated_user.kafka_bot
  id       = "216549873200011234"
  provider = aliram.operator
}
