"""Scheduled jobs of 应急值班: roster, shifts, handovers, duty log, roll calls and incidents."""
