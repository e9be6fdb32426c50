"""Verifying credentials: each check named, with a verdict a person can read."""
