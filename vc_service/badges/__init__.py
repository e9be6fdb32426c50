"""Badges: the credentials the SIG issues to members (membership, attendance, presenter)."""
