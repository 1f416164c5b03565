"""Scheduled jobs of 公车调派: the driver's reminder before departure."""
