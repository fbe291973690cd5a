# account_id may be left out: it defaults to the account of the resource's provider block (B's here).
import {
  to = aliram_delegated_user.kafka_bot
  identity = {
    account_id = "2345678901234567"
    name       = "kafka-bot"
  }
  provider = aliram.operator
}
