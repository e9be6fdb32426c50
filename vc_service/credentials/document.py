"""Structural rules of W3C VC 1.1/2.0 documents and of Open Badges 3.0 credentials.

These rules reject what cannot be interpreted at all (answered 422, naming the problem);
whether a well-formed credential is *valid* is the verifier's business.
"""

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pyld.jsonld import JsonLdError

from ..contexts.acapy_ld_proofs import get_properties_without_context
from ..contexts.pinned import PinnedContextSet
from ..errors import Invalid
from ..timestamps import parse_aware_datetime

VCDM_1_1 = "https://www.w3.org/2018/credentials/v1"
VCDM_2_0 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
# Field names of the validity period in each version of the data model.
VALIDITY_FIELDS = {"2.0": ("validFrom", "validUntil"), "1.1": ("issuanceDate", "expirationDate")}
# An absolute URL (RFC 3986 scheme, then anything without spaces): what VCDM means by "a URL" for ids.
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
# XML Schema dateTimeStamp: a dateTime with a mandatory zone (VCDM 2.0 §4.9, 1.1 §4.6).
DATE_TIME_STAMP = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# Optional properties whose every entry VCDM requires to have a type (and, for these, an id).
TYPED_ENTRIES = ("credentialStatus", "credentialSchema", "evidence", "termsOfUse", "refreshService")
ID_REQUIRED = {"credentialSchema"}


class InvalidCredential(Invalid, ValueError):
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


def is_url(value: Any) -> bool:
    return isinstance(value, str) and URL.fullmatch(value) is not None


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
    if DATE_TIME_STAMP.fullmatch(value) is None:
        raise InvalidCredential(f"{field} {value!r} is not an XML Schema dateTimeStamp (e.g. 2026-11-20T17:00:00Z)")
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


def check_context_entries(document: dict) -> None:
    for index, entry in enumerate(as_list(document.get("@context"))):
        if not isinstance(entry, str | dict):
            raise InvalidCredential(f"@context[{index}] must be a URL string or a context object")


def check_common(document: dict, required_type: str) -> None:
    """What VCDM requires alike of credentials and presentations: contexts, type, id, typed entries."""
    if "@context" not in document:
        raise InvalidCredential("document has no @context")
    check_context_entries(document)
    vcdm_version(document)
    types = as_list(document.get("type"))
    if not types or not all(isinstance(entry, str) and entry for entry in types):
        raise InvalidCredential("type must be a non-empty string or list of strings")
    if required_type not in types:
        raise InvalidCredential(f"type must include {required_type}")
    if "id" in document and not is_url(document["id"]):
        raise InvalidCredential("id must be a URL")
    for field in TYPED_ENTRIES:
        if field not in document:
            continue
        entries = as_list(document[field])
        for index, entry in enumerate(entries):
            where = f"{field}[{index}]" if isinstance(document[field], list) else field
            if not isinstance(entry, dict) or not entry:
                raise InvalidCredential(f"{where} must be a non-empty object")
            if not entry.get("type"):
                raise InvalidCredential(f"{where} needs a type")
            if "id" in entry and not is_url(entry["id"]) or field in ID_REQUIRED and "id" not in entry:
                raise InvalidCredential(f"{where} needs an id that is a URL")


def check_structure(credential: dict, pinned: PinnedContextSet, open_badge_shape: bool = True) -> None:
    """The data model's required parts, pinned contexts, and (unless told not to) the OB3 shape."""
    if "@context" not in credential:
        raise InvalidCredential("credential has no @context")
    check_common(credential, "VerifiableCredential")
    check_contexts_pinned(credential, pinned)
    if not is_url(issuer_id(credential)):
        raise InvalidCredential("issuer must be a URL (a DID) or an object with such an id")
    for field in VALIDITY_FIELDS[vcdm_version(credential)]:
        if field in credential:
            parse_datetime(credential[field], field)
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
    for subject in as_list(credential["credentialSubject"]):
        check_achievement_subject(subject)


def check_achievement_subject(subject: dict) -> None:
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


class JsonLdUnreadable(InvalidCredential):
    """JSON-LD processing of the document's contexts fails (a protected term redefined, ...)."""


def undefined_properties(document: dict, pinned: PinnedContextSet) -> list[str] | None:
    """Properties no context defines: JSON-LD would drop them, so signing them is refused.
    None when the check itself cannot tell (see below).

    The same check the agent makes before it signs (Ed25519Signature2020).
    Raises :class:`JsonLdUnreadable` when the contexts cannot be applied at all.
    """
    try:
        return list(get_properties_without_context(document, pinned.load_document))
    except JsonLdError as exc:
        raise JsonLdUnreadable(f"the JSON-LD contexts cannot be applied: {jsonld_reason(exc)}") from None
    except (TypeError, AttributeError, KeyError, IndexError):
        # ACA-Py 1.7's checker crashes on some valid shapes (a list of subjects that hold only an
        # id compacts to a list of strings): it cannot tell, and neither can the agent sign it.
        return None


def jsonld_reason(exc: JsonLdError) -> str:
    """pyld's innermost message ("protected term redefinition", ...), without the document."""
    while isinstance(exc.__cause__, JsonLdError):
        exc = exc.__cause__
    return exc.code or exc.args[0]


def same_did(one: str | None, other: str | None) -> bool:
    """did:peer:4 has a long form (with its document) and a short one (its hash); both name one DID."""

    def short(did: str) -> str:
        return ":".join(did.split(":")[:3]) if did.startswith("did:peer:4") else did

    return one is not None and other is not None and short(one) == short(other)


def subject_ids(credential: dict) -> list[str]:
    return [
        subject["id"]
        for subject in as_list(credential.get("credentialSubject"))
        if isinstance(subject, dict) and "id" in subject
    ]


def check_presentation_structure(presentation: dict) -> list[dict]:
    """A presentation's required parts; returns its credentials."""
    check_common(presentation, "VerifiablePresentation")
    holder = presentation.get("holder")
    if holder is not None and not is_url(holder.get("id") if isinstance(holder, dict) else holder):
        raise InvalidCredential("holder must be a URL (a DID) or an object with such an id")
    if not isinstance(presentation.get("proof"), dict):
        raise InvalidCredential("presentation has no proof")
    credentials = as_list(presentation.get("verifiableCredential") or [])
    if not credentials or not all(isinstance(credential, dict) for credential in credentials):
        raise InvalidCredential("verifiableCredential must hold one or more credentials (objects)")
    return credentials
