"""Domain model and rules of 信访.

Registration, forwarding, replies, reviews, with personal data masked.
"""
