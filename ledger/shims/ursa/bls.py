"""``ursa.bls`` as plenum calls it, served by indy-bls (same classes, same signatures)."""

from indy_bls.bls import Bls, BlsEntity, Generator, MultiSignature, ProofOfPossession, Signature, SignKey, VerKey

__all__ = ["Bls", "BlsEntity", "Generator", "MultiSignature", "ProofOfPossession", "Signature", "SignKey", "VerKey"]
