"""Every table, for alembic: import each capability's models here."""

from ..issuer.models import IssuerDid
from ..webhooks.models import WebhookEvent
from .base import Base

__all__ = ["Base", "IssuerDid", "WebhookEvent"]
