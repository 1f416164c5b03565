"""Fake platform servers and clocks for tests and benchmarks.

Shipped with the bot (like a test backend).
"""
