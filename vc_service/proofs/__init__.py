"""DIDComm proof requests: a verifier asks a member's wallet to prove a badge (present-proof 2.0, DIF PE)."""
