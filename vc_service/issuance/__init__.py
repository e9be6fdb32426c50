"""Signing credentials under the SIG's issuer DID."""

from . import audit  # noqa: F401 (registers the flush hook that logs every issued badge)
