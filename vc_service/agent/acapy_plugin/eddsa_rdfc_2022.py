"""The ``eddsa-rdfc-2022`` Data Integrity cryptosuite (W3C vc-di-eddsa, section 3.2) for ACA-Py.

ACA-Py 1.7 ships ``eddsa-jcs-2022`` only. This suite differs from it in the transformation
(RDF Dataset Canonicalization, RDFC-1.0, which pyld calls URDNA2015, instead of JCS) and in the
proof configuration (canonicalized with the document's ``@context``); hashing, signing by the
wallet's key and signature verification are the same, so it reuses ACA-Py's suite for those
(the key never leaves the agent).

The canonical forms and the hash are pure functions of the document, the proof options and a
pyld document loader (:func:`hash_data`); the agent passes its own loader, which answers the
pinned contexts offline.
"""

from datetime import datetime
from hashlib import sha256

from acapy_agent.utils.multiformats import multibase
from acapy_agent.vc.data_integrity.cryptosuites import EddsaJcs2022
from acapy_agent.vc.data_integrity.errors import PROBLEM_DETAILS
from acapy_agent.vc.data_integrity.manager import DataIntegrityManagerError
from acapy_agent.vc.data_integrity.models.options import DataIntegrityProofOptions
from acapy_agent.vc.data_integrity.models.proof import DataIntegrityProof
from acapy_agent.vc.data_integrity.models.verification_response import (
    DataIntegrityVerificationResult,
    ProblemDetails,
)
from acapy_agent.vc.ld_proofs.check import get_properties_without_context
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader, DocumentLoaderMethod
from acapy_agent.wallet.keys.manager import MultikeyManagerError
from pyld import jsonld
from pyld.jsonld import JsonLdError

from ...credentials.document import as_list

CRYPTOSUITE = "eddsa-rdfc-2022"


class RdfcError(ValueError):
    """The document or proof options cannot be canonicalized as the suite requires."""


def canonicalize(document: dict, loader: DocumentLoaderMethod) -> str:
    """RDFC-1.0 canonical N-Quads; refuses a document whose terms a context does not define
    (RDF would drop them silently and the signature would not cover them)."""
    try:
        undefined = get_properties_without_context(document, loader)
        if undefined:
            raise RdfcError(f"{len(undefined)} attributes dropped: no context defines {', '.join(undefined)}")
        # No base IRI, as jsonld.js: pyld would otherwise resolve a relative one against its own example base.
        options = {"documentLoader": loader, "base": None}
        relative = sorted(set(relative_iris(jsonld.expand(document, options))))
        if relative:
            raise RdfcError(f"no context defines {', '.join(relative)} (a type or id must expand to an absolute IRI)")
        return jsonld.normalize(document, {**options, "algorithm": "URDNA2015", "format": "application/n-quads"})
    except JsonLdError as exc:
        raise RdfcError(f"JSON-LD processing failed: {root_cause(exc)}") from exc


def relative_iris(expanded) -> list[str]:
    """Types and ids of an expanded document that are not absolute IRIs: RDF drops them, as
    Digital Bazaar's "safe mode" refuses them (ACA-Py's property check looks at keys only)."""
    if isinstance(expanded, list):
        return [iri for item in expanded for iri in relative_iris(item)]
    if not isinstance(expanded, dict):
        return []
    found = [
        iri
        for key in ("@type", "@id")
        for iri in as_list(expanded.get(key, []))
        if isinstance(iri, str) and ":" not in iri and not ("@value" in expanded and key == "@type")
    ]
    return found + [
        iri for key, value in expanded.items() if key not in ("@type", "@id", "@value") for iri in relative_iris(value)
    ]


def root_cause(error: JsonLdError) -> str:
    """pyld wraps the reason (say, a context that is not pinned) in errors of each step."""
    while isinstance(error.__cause__, JsonLdError):
        error = error.__cause__
    return str(error.args[0]) if error.args else str(error)


def proof_configuration(proof_options: dict, document_context) -> dict:
    """The proof options without ``proofValue``, under the document's ``@context`` (spec 3.2.5)."""
    config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    if config.get("type") != "DataIntegrityProof" or config.get("cryptosuite") != CRYPTOSUITE:
        raise RdfcError(f"proof options must be type DataIntegrityProof, cryptosuite {CRYPTOSUITE}")
    for field in ("created", "expires"):
        if field in config:
            try:
                datetime.fromisoformat(config[field])
            except (TypeError, ValueError):
                raise RdfcError(f"proof {field} is not a date-time: {config[field]!r}") from None
    config["@context"] = document_context
    return config


def hash_data(document: dict, proof_options: dict, loader: DocumentLoaderMethod) -> tuple[str, str, bytes]:
    """(canonical document, canonical proof configuration, hash data) of spec 3.2.3–3.2.6: the
    hash data is SHA-256(proof configuration) followed by SHA-256(document)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    canonical_document = canonicalize(unsecured, loader)
    canonical_config = canonicalize(proof_configuration(proof_options, unsecured.get("@context")), loader)
    return (
        canonical_document,
        canonical_config,
        sha256(canonical_config.encode()).digest() + sha256(canonical_document.encode()).digest(),
    )


class EddsaRdfc2022(EddsaJcs2022):
    """ACA-Py's suite interface (``create_proof``, ``verify_proof``) for ``eddsa-rdfc-2022``."""

    def __init__(self, *, session) -> None:
        super().__init__(session=session)
        self.loader = session.inject(DocumentLoader)

    async def create_proof(
        self, unsecured_data_document: dict, options: DataIntegrityProofOptions
    ) -> DataIntegrityProof:
        """Spec 3.2.1; the signature is made by the wallet's key."""
        proof = DataIntegrityProof.deserialize(options.serialize())
        try:
            *_, data = hash_data(unsecured_data_document, proof.serialize(), self.loader)
        except RdfcError as exc:
            raise DataIntegrityManagerError(str(exc)) from exc
        proof.proof_value = multibase.encode(await self.proof_serialization(data, options), "base58btc")
        return proof

    async def verify_proof(self, secured_document: dict) -> DataIntegrityVerificationResult:
        """Spec 3.2.2; a problem (bad signature, undefined term, unknown context) is a result
        that names it, not an error."""
        unsecured = dict(secured_document)
        proof = unsecured.pop("proof")
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        try:
            if "@context" in options:
                # The proof's contexts must open the document's, and then stand for them.
                document_context, proof_context = as_list(unsecured.get("@context")), as_list(options["@context"])
                if document_context[: len(proof_context)] != proof_context:
                    raise RdfcError("the proof's @context does not match the document's")
                unsecured["@context"] = options["@context"]
            *_, data = hash_data(unsecured, options, self.loader)
            signature = multibase.decode(proof["proofValue"])
            verified = await self.proof_verification(data, signature, DataIntegrityProofOptions.deserialize(options))
            if not verified:
                raise RdfcError("Invalid signature.")
        except (ValueError, KeyError, MultikeyManagerError) as exc:  # RdfcError is a ValueError
            problem = ProblemDetails.deserialize(PROBLEM_DETAILS["PROOF_VERIFICATION_ERROR"])
            problem.detail = str(exc)
            return DataIntegrityVerificationResult(
                verified=False, proof=DataIntegrityProof.deserialize(proof), problem_details=[problem]
            )
        return DataIntegrityVerificationResult(
            verified=True, proof=DataIntegrityProof.deserialize(proof), problem_details=[]
        )
