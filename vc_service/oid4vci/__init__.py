"""OpenID for Verifiable Credential Issuance (1.0, and the draft-14 request shape): a member's
wallet picks up their badges with a pre-authorized code from their claim page."""
