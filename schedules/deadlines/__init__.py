"""Scheduled jobs of time limits.

Refreshing the holiday calendar and recomputing deadlines that rested on estimated days.
"""
