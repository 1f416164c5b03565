"""Scheduled jobs of administration: undelivered messages and nightly housekeeping."""
