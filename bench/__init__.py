"""Benchmarks: `python -m bench` lists them, `python -m bench NAME` runs one.

Each prints its figures and, as its last line, one JSON object. Each measures a baseline in the
same run so figures can be compared on this noisy machine.
"""
