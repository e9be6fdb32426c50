"""Members' wallets that nobody here wrote, run as processes the tests drive."""
