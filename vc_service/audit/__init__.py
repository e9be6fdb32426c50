"""The audit log: every issuance, revocation and organizer change, with who and when."""
