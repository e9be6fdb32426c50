"""The SIG itself: its profile, stored in the database."""
