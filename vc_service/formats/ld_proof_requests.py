"""What a verifier can ask a wallet to prove of an Open Badge, as DIF Presentation Exchange
definitions (the AnonCreds templates are the AnonCreds format's).

Shapes that both a stock ACA-Py 1.7 holder and a Credo 0.6 wallet answer (measured, see
DESIGN.md and WALLETS.md): a UUID4 definition id; the single proof type Ed25519Signature2020
(ACA-Py finds nothing when 2018 is listed too; Credo signs Ed25519Signature2018 whatever is
asked, which ACA-Py verifies); a schema listing both the expanded OpenBadgeCredential IRI (what
ACA-Py matches) and the OB3 context URL (what Credo's PEX matches: any listed URI), since each
alone fails on one side, the context as ``required: false`` (an ACA-Py holder searches for
credentials having every required URI as a type); filters with a ``type`` beside every ``const`` (Credo's validator refuses them
otherwise) and string ``minimum`` (with ``format``) filters.
"""

import uuid
from datetime import datetime

from ..credentials.document import OB3_CONTEXT

OB3_CREDENTIAL_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
TEMPLATES = {
    "attended": ("ext:Attendance", "Attended a meeting of the SIG"),
    "presented": ("ext:Presenter", "Presented at least once at the SIG"),
    "member": ("Membership", "Is a current member of the SIG"),
}


def xsd(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def presentation_definition(template: str, issuer_did: str, since: datetime | None, now: datetime) -> dict:
    achievement_type, purpose = TEMPLATES[template]
    fields = [
        {"path": ["$.type[*]"], "filter": {"type": "string", "const": "OpenBadgeCredential"}},
        {"path": ["$.issuer.id", "$.issuer"], "filter": {"type": "string", "const": issuer_did}},
        {
            "path": ["$.credentialSubject.achievement.achievementType"],
            "filter": {"type": "string", "const": achievement_type},
        },
    ]
    if since is not None:
        fields.append(
            {
                "path": ["$.credentialSubject.activityStartDate"],
                "filter": {"type": "string", "format": "date-time", "minimum": xsd(since)},
            }
        )
    if template == "member":  # current: not expired now
        fields.append(
            {
                "path": ["$.expirationDate", "$.validUntil"],
                "filter": {"type": "string", "format": "date-time", "minimum": xsd(now)},
            }
        )
    return {
        "id": str(uuid.uuid4()),
        "purpose": purpose + (f" since {xsd(since)}" if since else ""),
        "format": {"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}},
        "input_descriptors": [
            {
                "id": f"{template}-badge",
                "name": purpose,
                "schema": [{"uri": OB3_CREDENTIAL_IRI}, {"uri": OB3_CONTEXT, "required": False}],
                "constraints": {"fields": fields},
            }
        ],
    }
