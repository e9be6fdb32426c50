"""Refusals as OID4VCI and OAuth 2.0 name them (``error``, ``error_description``): a wallet acts
on the code, a person reads the description."""

from collections.abc import Mapping

from ..errors import ServiceError


class Oid4vciError(ServiceError):
    """Answered as ``{"error": code, "error_description": message}`` (not the service's ``detail``)."""

    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str, *, extra: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.extra = dict(extra or {})  # further members of the answer (a fresh c_nonce)


class InvalidRequest(Oid4vciError):
    code = "invalid_request"


class UnsupportedGrantType(Oid4vciError):
    code = "unsupported_grant_type"


class InvalidGrant(Oid4vciError):
    """A pre-authorized code that is unknown, used, expired, or given with a wrong transaction code."""

    code = "invalid_grant"


class InvalidToken(Oid4vciError):
    """RFC 6750: a missing, unknown, expired or used-up access token."""

    status_code = 401
    code = "invalid_token"


class InvalidProof(Oid4vciError):
    code = "invalid_proof"


class InvalidNonce(Oid4vciError):
    """The proof's nonce is unknown, used or expired: the answer carries a fresh one."""

    code = "invalid_nonce"


class InvalidCredentialRequest(Oid4vciError):
    code = "invalid_credential_request"


class UnknownConfiguration(Oid4vciError):
    """OID4VCI 1.0's code; a draft-14 request gets ``unsupported_credential_type`` (see routes)."""

    code = "unknown_credential_configuration"


class UnsupportedCredentialType(Oid4vciError):
    code = "unsupported_credential_type"


class CredentialRequestDenied(Oid4vciError):
    """Nothing of this configuration is left for this holder (picked up already, by another key)."""

    code = "credential_request_denied"
