"""Every table, for alembic: import each capability's models here."""

from .anoncreds.models import AnonCredsCredential, AnonCredsDefinition
from .audit.models import AuditEvent
from .badges.models import Badge, IssuanceJob
from .db.base import Base
from .http.models import RateLimitWindow
from .issuer.models import IssuerDid
from .meetings.models import Attendance, Meeting, Talk
from .members.models import Member
from .organizers.models import OrganizerAccount, OrganizerApiKey, OrganizerSession
from .proofs.models import ProofRequest
from .sig.models import Sig
from .status.models import CredentialStatus, StatusChange, StatusList
from .vcapi_exchange.models import VcApiExchange
from .webhooks.models import WebhookEvent

__all__ = [
    "AnonCredsCredential",
    "AnonCredsDefinition",
    "Attendance",
    "AuditEvent",
    "Badge",
    "Base",
    "CredentialStatus",
    "IssuanceJob",
    "IssuerDid",
    "Meeting",
    "Member",
    "OrganizerAccount",
    "OrganizerApiKey",
    "OrganizerSession",
    "ProofRequest",
    "RateLimitWindow",
    "Sig",
    "StatusChange",
    "StatusList",
    "Talk",
    "VcApiExchange",
    "WebhookEvent",
]
