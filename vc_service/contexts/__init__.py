"""Pinned JSON-LD contexts: the only documents the agent may load while signing or verifying."""
