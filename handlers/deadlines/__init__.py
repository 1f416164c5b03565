"""Chat commands of time limits.

Working days with 调休, the rule table's deadlines, reminder clocks.
"""
