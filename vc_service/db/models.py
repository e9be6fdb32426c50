"""Every table, for alembic: import each capability's models here."""

from ..badges.models import Badge, IssuanceJob
from ..issuer.models import IssuerDid
from ..meetings.models import Attendance, Meeting, Talk
from ..members.models import Member
from ..proofs.models import ProofRequest
from ..sig.models import Sig
from ..status.models import CredentialStatus, StatusChange, StatusList
from ..webhooks.models import WebhookEvent
from .base import Base

__all__ = [
    "Attendance", "Badge", "Base", "CredentialStatus", "IssuanceJob", "IssuerDid", "Meeting", "Member", "ProofRequest", "Sig",
    "StatusChange", "StatusList", "Talk", "WebhookEvent",
]  # fmt: skip
