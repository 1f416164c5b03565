"""Domain model and rules of 应急值班.

Roster, shifts, handovers, duty log, roll calls and incidents.
"""
