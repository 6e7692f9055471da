"""Measures (KPIs) of DESIGN §6, each defined once: name, definition and computation."""
