"""CivicDesk: a citizen-request hub for government service hotlines (12345, Open311)."""

__version__ = "0.1.0"
