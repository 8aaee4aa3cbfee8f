"""Lazy Qt item models over the logbook's paged read models."""
