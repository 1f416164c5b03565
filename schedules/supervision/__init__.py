"""Scheduled jobs of 督查督办.

Items with deadlines, their flow, feedback cadence and cards (黄/橙/红).
"""
