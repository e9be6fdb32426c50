"""Revocation and suspension: W3C Bitstring Status List v1.0 for the JSON-LD badges."""
