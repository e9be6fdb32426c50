"""Signing credentials under the SIG's issuer DID."""
