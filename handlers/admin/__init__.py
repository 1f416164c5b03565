"""Chat commands of administration: undelivered messages and nightly housekeeping."""
