"""The outbound ``webhook`` platform.

Signed JSON POSTs to an outside system (the 12345 platform).
"""
