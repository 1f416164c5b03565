"""Scheduled jobs of personal reminders (提醒)."""
