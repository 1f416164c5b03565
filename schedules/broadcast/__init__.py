"""Scheduled jobs of emergency broadcasts whose every recipient must acknowledge."""
