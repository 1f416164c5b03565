"""Chat commands of 信访: registration, forwarding, replies, reviews, with personal data masked."""
