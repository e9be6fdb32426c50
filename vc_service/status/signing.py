"""Status list credentials signed by their SIG, re-signed whenever a bit changed."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..agent.client import AgentClient
from ..badges.models import Badge
from ..credentials.document import as_list
from ..db.base import utcnow
from ..errors import NotFound
from ..formats.models import FormatName
from ..issuer.identity import Issuer
from .models import CredentialStatus, StatusList
from .service import StatusError, StatusNotFound, change_status, status_list_document


class UnknownStatusList(NotFound, LookupError):
    pass


def xsd(value) -> str:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


async def published_status_list(session: AsyncSession, purpose: str, number: int, sig_id: int | None) -> StatusList:
    """The list served at /status/<SIG's slug>/<purpose>/<number>, or with no ``sig_id`` at the
    unscoped /status/<purpose>/<number> it was published at before lists were per SIG."""
    scope = (
        StatusList.unscoped_url.is_(True)
        if sig_id is None
        else (StatusList.sig_id == sig_id) & StatusList.unscoped_url.is_(False)
    )
    status_list = await session.scalar(
        select(StatusList).where(scope, StatusList.purpose == purpose, StatusList.number == number)
    )
    if status_list is None:
        raise UnknownStatusList(f"no {purpose} status list {number}")
    return status_list


async def signed_status_list(
    session: AsyncSession, agent: AgentClient, issuer: Issuer, base_url: str, status_list: StatusList
) -> StatusList:
    """The SIG's list with a signature over its current bits (signing it now if a change cleared it)."""
    if status_list.credential is None:
        now = utcnow()
        document = {
            **status_list_document(base_url, issuer.slug, status_list),
            "issuer": issuer.did,
            "validFrom": xsd(now),
        }
        status_list.credential = await agent.issue_credential(
            document, {"proofType": "Ed25519Signature2020", "verificationMethod": issuer.verification_method}
        )
        status_list.signed_at = now
        await session.commit()
    return status_list


async def change_and_publish(
    session: AsyncSession,
    agent: AgentClient,
    issuer: Issuer,
    base_url: str,
    credential_id: str,
    action: str,
    reason: str,
    actor: str,
) -> CredentialStatus:
    """Revoke, suspend or unsuspend one of the issuer's SIG's credentials, then sign the changed
    list now: the next verifier sees it."""
    if action == "suspend":
        await refuse_a_suspension_nobody_would_see(session, issuer.sig_id, credential_id)
    changed = await change_status(session, issuer.sig_id, credential_id, action, reason, actor)
    purpose = "revocation" if action == "revoke" else "suspension"
    status_list = await session.scalar(
        select(StatusList).where(
            StatusList.sig_id == issuer.sig_id, StatusList.purpose == purpose, StatusList.number == changed.list_number
        )
    )
    if status_list is None:  # change_status has just changed it
        raise StatusNotFound(f"no {purpose} status list {changed.list_number} of SIG {issuer.sig_id}")
    await signed_status_list(session, agent, issuer, base_url, status_list)
    return changed


def carries_suspension(badge: Badge) -> bool:
    """Whether the badge's credential carries a suspension entry. A badge offered over DIDComm
    carries no status entry (Credo wallets refuse one; its revocation is in this service's records)."""
    if badge.credential is None:
        return badge.cred_ex_id is None  # not signed yet, or signed for a file now; else on its way to a wallet
    return any(
        isinstance(entry, dict) and entry.get("statusPurpose") == "suspension"
        for entry in as_list(badge.credential.get("credentialStatus") or [])
    )


async def refuse_a_suspension_nobody_would_see(session: AsyncSession, sig_id: int, credential_id: str) -> None:
    """Flipping the suspension bit of a credential that carries no suspension entry would change
    nothing a verifier checks."""
    badge = await session.scalar(
        select(Badge).where(
            Badge.sig_id == sig_id, Badge.credential_id == credential_id, Badge.format == FormatName.LD_PROOF
        )
    )
    # No badge: signed through POST /credentials/issue, which always carries both entries.
    if badge is not None and not carries_suspension(badge):
        raise StatusError(
            f"credential {credential_id} carries no suspension entry, so suspending it would change nothing a "
            "verifier checks: it went to a wallet over DIDComm, and those badges carry no status entry "
            "(Credo wallets refuse one). Revoke it instead"
        )
