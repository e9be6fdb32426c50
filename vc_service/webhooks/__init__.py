"""The agent's webhooks: stored before anything acts on them, duplicates dropped."""
