"""Structural rules of W3C VC 1.1/2.0 documents and of Open Badges 3.0 credentials.

These rules reject what cannot be interpreted at all (answered 422, naming the problem);
whether a well-formed credential is *valid* is the verifier's business.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from acapy_agent.vc.ld_proofs.check import get_properties_without_context

from ..contexts.pinned import PinnedContextSet
from ..timestamps import parse_aware_datetime

VCDM_1_1 = "https://www.w3.org/2018/credentials/v1"
VCDM_2_0 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
# Field names of the validity period in each version of the data model.
VALIDITY_FIELDS = {"2.0": ("validFrom", "validUntil"), "1.1": ("issuanceDate", "expirationDate")}


class InvalidCredential(ValueError):
    """The document is not a credential this service can work with; the message says why."""


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def context_urls(context: Any) -> Iterator[str]:
    """Every context URL a document refers to, also inside inline contexts (scoped, @import)."""
    for entry in as_list(context):
        if isinstance(entry, str):
            yield entry
        elif isinstance(entry, dict):
            yield from _nested_context_urls(entry)


def _nested_context_urls(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@import" and isinstance(item, str):
                yield item
            elif key == "@context":
                yield from context_urls(item)
            else:
                yield from _nested_context_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nested_context_urls(item)


def vcdm_version(credential: dict) -> str:
    """``"1.1"`` or ``"2.0"``, from the first context, which the data model fixes."""
    contexts = as_list(credential.get("@context"))
    first = contexts[0] if contexts else None
    if first == VCDM_2_0:
        return "2.0"
    if first == VCDM_1_1:
        return "1.1"
    raise InvalidCredential(f"@context must begin with {VCDM_2_0} (VCDM 2.0) or {VCDM_1_1} (VCDM 1.1)")


def check_contexts_pinned(credential: dict, pinned: PinnedContextSet) -> None:
    for url in context_urls(credential.get("@context")):
        if url not in pinned:
            raise InvalidCredential(f"JSON-LD context {url} is not pinned by this service")


def parse_datetime(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidCredential(f"{field} must be an XML Schema dateTime string")
    try:
        return parse_aware_datetime(value, field)
    except ValueError as exc:
        raise InvalidCredential(str(exc)) from exc


def issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def is_open_badge(credential: dict) -> bool:
    return bool(OB3_TYPES & set(as_list(credential.get("type"))))


def check_structure(credential: dict, pinned: PinnedContextSet, open_badge_shape: bool = True) -> None:
    """The data model's required parts, pinned contexts, and (unless told not to) the OB3 shape."""
    if "@context" not in credential:
        raise InvalidCredential("credential has no @context")
    vcdm_version(credential)
    check_contexts_pinned(credential, pinned)
    types = as_list(credential.get("type"))
    if "VerifiableCredential" not in types:
        raise InvalidCredential("type must include VerifiableCredential")
    if not all(isinstance(entry, str) for entry in types):
        raise InvalidCredential("type must be a string or a list of strings")
    if issuer_id(credential) is None:
        raise InvalidCredential("issuer must be a URL (a DID) or an object with such an id")
    subjects = as_list(credential.get("credentialSubject"))
    if credential.get("credentialSubject") is None or not subjects:
        raise InvalidCredential("credential has no credentialSubject")
    if not all(isinstance(subject, dict) for subject in subjects):
        raise InvalidCredential("credentialSubject must be an object or a list of objects")
    if open_badge_shape and is_open_badge(credential):
        check_open_badge(credential)


def check_open_badge(credential: dict) -> None:
    """Open Badges 3.0: the fields its JSON Schema requires of an OpenBadgeCredential."""
    if OB3_CONTEXT not in as_list(credential.get("@context")):
        raise InvalidCredential(f"an OpenBadgeCredential needs the context {OB3_CONTEXT}")
    for field in ("id", "name"):
        if not isinstance(credential.get(field), str):
            raise InvalidCredential(f"an OpenBadgeCredential needs a string {field}")
    subject = as_list(credential["credentialSubject"])[0]
    if "AchievementSubject" not in as_list(subject.get("type")):
        raise InvalidCredential("credentialSubject.type must include AchievementSubject")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        raise InvalidCredential("credentialSubject.achievement must be an Achievement object")
    if "Achievement" not in as_list(achievement.get("type")):
        raise InvalidCredential("credentialSubject.achievement.type must include Achievement")
    for field in ("id", "name", "description"):
        if not isinstance(achievement.get(field), str):
            raise InvalidCredential(f"credentialSubject.achievement.{field} must be a string")
    criteria = achievement.get("criteria")
    if not isinstance(criteria, dict) or not (criteria.get("narrative") or criteria.get("id")):
        raise InvalidCredential("credentialSubject.achievement.criteria needs a narrative or an id")


def undefined_properties(credential: dict, pinned: PinnedContextSet) -> list[str]:
    """Properties no context defines: JSON-LD would drop them, so signing them is refused.

    The same check the agent makes before it signs, run here only to explain an agent failure.
    """
    return list(get_properties_without_context(credential, pinned.load_document))


def same_did(one: str | None, other: str | None) -> bool:
    """did:peer:4 has a long form (with its document) and a short one (its hash); both name one DID."""

    def short(did: str) -> str:
        return ":".join(did.split(":")[:3]) if did.startswith("did:peer:4") else did

    return one is not None and other is not None and short(one) == short(other)


def subject_ids(credential: dict) -> list[str]:
    return [subject["id"] for subject in as_list(credential.get("credentialSubject")) if isinstance(subject, dict) and "id" in subject]


def check_presentation_structure(presentation: dict) -> list[dict]:
    """A presentation's required parts; returns its credentials."""
    contexts = as_list(presentation.get("@context"))
    if not contexts or contexts[0] not in (VCDM_1_1, VCDM_2_0):
        raise InvalidCredential(f"@context must begin with {VCDM_2_0} (VCDM 2.0) or {VCDM_1_1} (VCDM 1.1)")
    if "VerifiablePresentation" not in as_list(presentation.get("type")):
        raise InvalidCredential("type must include VerifiablePresentation")
    if not isinstance(presentation.get("proof"), dict):
        raise InvalidCredential("presentation has no proof")
    credentials = as_list(presentation.get("verifiableCredential") or [])
    if not credentials or not all(isinstance(credential, dict) for credential in credentials):
        raise InvalidCredential("verifiableCredential must hold one or more credentials (objects)")
    return credentials
