"""Time-driven work of 办文: 催办 of 办件 before and after their 办理时限."""
