"""Scheduled jobs of 12345 hotline tickets.

Intake, flow, search, KPIs, supervision of overdue tickets.
"""
