"""Chat commands of the shared directory.

People, org units, chat bindings and registered groups.
"""
