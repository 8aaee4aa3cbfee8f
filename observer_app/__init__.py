"""Observer Logbook: an encrypted, signed logbook for election observers."""

__version__ = "0.1.0"
