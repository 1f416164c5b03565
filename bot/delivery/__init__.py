"""Delivery: the sender loop that empties the outbox through the platform adapters."""
