"""Organizer accounts: people who sign in to the dashboard of their SIG."""
