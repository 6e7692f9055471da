"""Pure small helpers with no Django models: working-time arithmetic, environment parsing, masking."""
