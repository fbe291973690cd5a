# account_id may be left out: it defaults to the account of the resource's provider block (B), and must be
# that account when given.
import {
  to = aliram_delegated_role.orders_app
  identity = {
    account_id = "6543210987654321"
    name       = "orders-app"
  }
}
