"""Scheduled jobs of 信访.

Registration, forwarding, replies, reviews, with personal data masked.
"""
