"""Domain model and rules of the shared directory.

People, org units, chat bindings and registered groups.
"""
