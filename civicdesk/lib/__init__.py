"""Pure helpers with no Django models: working-time arithmetic, environment parsing, text."""
