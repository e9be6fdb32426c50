"""``ursa.indy_error``: plenum catches ``IndyCryptoError``, which indy-bls calls ``IndyBlsError``."""

from indy_bls.error import IndyBlsError as IndyCryptoError

__all__ = ["IndyCryptoError"]
