"""Fake platform servers for tests and benchmarks.

Shipped with the bot (like a test backend).
"""
