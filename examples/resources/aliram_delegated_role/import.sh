# A delegated role is imported by its role name; its managed policy RoleAssumeRole-<name> comes with it.
tofu import aliram_delegated_role.orders_app orders-app
