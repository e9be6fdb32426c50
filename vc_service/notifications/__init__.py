"""Telling members about their badges: the mail outbox (outbox.py), the message (message.py) and
the one channel it goes through (channel.py)."""
