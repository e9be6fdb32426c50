"""The SIG's issuer identity: its DID in the agent's wallet and its Open Badges profile."""
