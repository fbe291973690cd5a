# The id of a delegated role is its name; its trust and its managed policy RoleAssumeRole-<name> are read back
# into trusted_services, trusted_principal_arns and assumable_role_arns, so the first plan is empty.
import {
  to = aliram_delegated_role.orders_app
  id = "orders-app"
}
