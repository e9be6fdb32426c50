"""The three badges as Open Badges 3.0 credentials, built from the facts they are about.

The achievements (``schemas/achievements/``) and the JSON Schemas of the subjects
(``schemas/subjects/``) are data; this module only fills them in. Pure code: no HTTP, no SQL.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from ..credentials.document import OB3_CONTEXT, VCDM_1_1, VCDM_2_0
from ..issuer.identity import Issuer
from ..settings import PROJECT_DIR

SCHEMAS_DIR = PROJECT_DIR / "schemas"
BADGE_KINDS = ("membership", "attendance", "presenter")
BADGE_TITLES = {"membership": "Membership", "attendance": "Attendance", "presenter": "Presenter"}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None = None
    did: str | None = None


@dataclass(frozen=True)
class MeetingFacts:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class TalkFacts:
    title: str
    presenter: str
    slides_url: str | None = None
    recording_url: str | None = None


def xsd_datetime(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def achievement_url(base_url: str, sig_slug: str, kind: str) -> str:
    return f"{base_url}/sigs/{sig_slug}/achievements/{kind}"


def achievement(kind: str, issuer: Issuer, base_url: str) -> dict:
    """The SIG's Achievement of a kind, with its stable id under this service's URL."""
    if kind not in BADGE_KINDS:
        raise KeyError(kind)
    template = json.loads((SCHEMAS_DIR / "achievements" / f"{kind}.json").read_text())
    filled = json.loads(json.dumps(template).replace("{sig}", issuer.name.replace('"', '\\"')))
    return {"id": achievement_url(base_url, issuer.slug, kind), **filled}


@cache
def subject_schema(kind: str) -> dict:
    return json.loads((SCHEMAS_DIR / "subjects" / f"{kind}.schema.json").read_text())


@cache
def _subject_validator(kind: str) -> Draft202012Validator:
    identity = json.loads((SCHEMAS_DIR / "subjects" / "identity.schema.json").read_text())
    registry = Registry().with_resource("identity.schema.json", Resource.from_contents(identity))
    return Draft202012Validator(subject_schema(kind), registry=registry)


def subject_errors(kind: str, subject: dict) -> list[str]:
    return [error.message for error in _subject_validator(kind).iter_errors(subject)]


def identity_hash(email: str, salt: str) -> str:
    """OB3 ``identityHash``: sha256 of the normalised email followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def identity_object(email: str) -> dict:
    salt = secrets.token_hex(16)
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(email, salt),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def name_identity(name: str) -> dict:
    """OB3 ``IdentityObject`` of type ``name``, in plain text (``hashed: false``): a verifier reads whose badge it is."""
    return {"type": "IdentityObject", "identityHash": name, "identityType": "name", "hashed": False}


def recipient_fields(recipient: Recipient, named: bool = True) -> dict:
    """Who the badge is for: their DID, else a salted hash of their email; ``named``: their name too,
    as the subject's ``name`` and as an OB3 identifier of type ``name``."""
    if recipient.did:
        fields: dict = {"id": recipient.did}
        identifiers = []
    elif recipient.email:
        fields = {}
        identifiers = [identity_object(recipient.email)]
    else:
        raise ValueError(f"{recipient.name} has neither a DID nor an email to name them in a badge")
    if named:
        fields["name"] = recipient.name
        identifiers.append(name_identity(recipient.name))
    if identifiers:
        fields["identifier"] = identifiers
    return fields


def required_meeting(meeting: MeetingFacts | None, kind: str) -> MeetingFacts:
    if meeting is None:
        raise ValueError(f"a {kind} badge needs its meeting")
    return meeting


def activity_fields(meeting: MeetingFacts) -> dict:
    return {"activityStartDate": xsd_datetime(meeting.starts_at), "activityEndDate": xsd_datetime(meeting.ends_at)}


def evidence(talk: TalkFacts, meeting: MeetingFacts, named: bool = True) -> dict:
    """The talk; ``named``: its narrative names the presenter (a SIG may leave names out of badges)."""
    who = f"{talk.presenter} presented" if named else "Presented"
    entry: dict[str, str | list[str]] = {
        "type": ["Evidence"],
        "name": talk.title,
        "narrative": f'{who} "{talk.title}" at {meeting.title} on {meeting.starts_at:%d %B %Y}.',
    }
    link = talk.slides_url or talk.recording_url
    if link:
        entry["id"] = link
    return entry


def build_badge(
    kind: str,
    *,
    issuer: Issuer,
    base_url: str,
    credential_id: str,
    recipient: Recipient,
    meeting: MeetingFacts | None = None,
    talk: TalkFacts | None = None,
    valid_until: datetime | None = None,
    vcdm: str = "1.1",
    issued_at: datetime | None = None,
    status: dict | list[dict] | None = None,
    status_context: str | None = None,
) -> dict:
    """An unsigned OpenBadgeCredential; VCDM 1.1 by default, which DIDComm wallets can present.

    ``status`` are its ``credentialStatus`` entries; in VCDM 1.1 they need ``status_context``
    (the SIG's context), which defines them.
    """
    subject = {"type": ["AchievementSubject"], **recipient_fields(recipient, issuer.names_members)}
    name = f"{BADGE_TITLES[kind]}: {issuer.name}"
    credential_extra: dict = {}
    if kind == "attendance":
        meeting = required_meeting(meeting, kind)
        subject.update(activity_fields(meeting))
        name = f"Attendance: {meeting.title}"
    elif kind == "presenter":
        if talk is None:
            raise ValueError("a presenter badge needs its talk")
        meeting = required_meeting(meeting, kind)
        subject.update(role="presenter", **activity_fields(meeting))
        credential_extra["evidence"] = [evidence(talk, meeting, issuer.names_members)]
        name = f"Presenter: {talk.title}"
    elif valid_until is None:
        raise ValueError("a membership badge needs the date it is valid until")
    subject["achievement"] = achievement(kind, issuer, base_url)
    errors = subject_errors(kind, subject)
    if errors:
        raise ValueError(f"{kind} badge subject does not match its schema: {'; '.join(errors)}")

    start_field, end_field = ("issuanceDate", "expirationDate") if vcdm == "1.1" else ("validFrom", "validUntil")
    credential = {
        "@context": [VCDM_1_1 if vcdm == "1.1" else VCDM_2_0, OB3_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer.profile,
        start_field: xsd_datetime(issued_at or datetime.now(UTC)),
        "credentialSubject": subject,
        **credential_extra,
    }
    if valid_until is not None:
        credential[end_field] = xsd_datetime(valid_until)
    if status:
        credential["credentialStatus"] = status
        if vcdm == "1.1":
            credential["@context"].append(status_context)
    return credential
