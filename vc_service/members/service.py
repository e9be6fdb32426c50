"""Members: created once per email within a SIG."""

import re
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..audit.service import record
from ..errors import Invalid
from ..meetings.models import Attendance
from .models import Member
from .tokens import claim_token, new_claim

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidMember(Invalid, ValueError):
    pass


def normalise_email(email: str) -> str:
    normalised = email.strip().lower()
    if not EMAIL.match(normalised):
        raise InvalidMember(f"{email.strip()!r} is not an email address")
    return normalised


async def get_or_create_member(
    session: AsyncSession, claim_key: str, sig_id: int, name: str, email: str, did: str | None = None
) -> tuple[Member, str | None]:
    """The SIG's member with that email, or a new one with its claim token (None for a member that
    existed: whoever asks need not be them). Does not commit."""
    if not name.strip():
        raise InvalidMember("name is empty")
    address = normalise_email(email)
    member = await session.scalar(select(Member).where(Member.sig_id == sig_id, Member.email == address))
    if member is not None:
        return member, None
    claim = new_claim(claim_key)
    member = Member(
        sig_id=sig_id,
        name=name.strip(),
        email=address,
        did=did,
        claim_nonce=claim.nonce,
        claim_token_hash=claim.token_hash,
    )
    session.add(member)
    await session.flush()
    return member, claim.token


def member_claim_token(claim_key: str, member: Member) -> str | None:
    """The member's current claim token; None for a link made before tokens were derived (only
    its hash is known: the organizer issues a new one)."""
    return claim_token(claim_key, member.claim_nonce) if member.claim_nonce else None


async def meeting_claim_tokens(
    session: AsyncSession, claim_key: str, meeting_id: int
) -> list[tuple[Member, str | None]]:
    """Each attendee of the meeting, by name, with their claim token (None where only its hash is known)."""
    attendees = await session.scalars(
        select(Member)
        .join(Attendance, Attendance.member_id == Member.id)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(Member.name, Member.id)
    )
    return [(member, member_claim_token(claim_key, member)) for member in attendees]


async def reissue_claim_token(session: AsyncSession, claim_key: str, member: Member, actor: str) -> str:
    """A new claim token for the member: the old link stops working. Commits."""
    claim = new_claim(claim_key)
    member.claim_nonce, member.claim_token_hash = claim.nonce, claim.token_hash
    record(session, member.sig_id, actor, "member.claim_link_reissued", f"member:{member.id}")
    await session.commit()
    return claim.token


# The one holder binding a stock ACA-Py wallet can present: an Ed25519 did:key (README).
WALLET_DID = re.compile(r"^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$")


def declare_wallet_did(member: Member, did: str) -> None:
    """The member's own wallet DID, which later badges are bound to. Set once through the claim
    link: whoever holds the link must not replace it; an organizer changes it."""
    if member.did:
        raise InvalidMember(f"a DID is already on record for this member ({member.did}): ask an organizer to change it")
    member.did = did


async def replace_did(session: AsyncSession, member: Member, did: str | None, actor: str) -> None:
    """The organizer sets, replaces or (None) clears the member's DID. Commits."""
    record(session, member.sig_id, actor, "member.did_changed", f"member:{member.id}", previous=member.did, did=did)
    member.did = did
    await session.commit()


@dataclass
class RosterReport:
    members_created: int = 0
    members_matched: int = 0
    attendance_added: int = 0
    attendance_unchanged: int = 0
    errors: list[dict] = field(default_factory=list)


# Rows per transaction: SQLite has one writer at a time, and everyone else's writes wait (up to
# its busy timeout) for the batch under way, not for the whole roster.
ROSTER_BATCH_ROWS = 500


async def import_roster(
    session: AsyncSession, claim_key: str, sig_id: int, meeting_id: int, entries: list, errors: list
) -> RosterReport:
    """Members merged by email and their attendance; the same file twice changes nothing.

    Committed batch by batch, with a few statements per batch (members and attendance looked up
    and added in bulk): if an import stops part-way, importing the file again completes it."""
    report = RosterReport(errors=[{"line": error.line, "name": error.name, "reason": error.reason} for error in errors])
    for start in range(0, len(entries), ROSTER_BATCH_ROWS):
        await _import_batch(session, claim_key, sig_id, meeting_id, entries[start : start + ROSTER_BATCH_ROWS], report)
        await session.commit()
        session.expunge_all()  # a big roster's rows need not stay in memory once stored
    report.errors.sort(key=lambda error: error["line"])
    return report


async def _import_batch(
    session: AsyncSession, claim_key: str, sig_id: int, meeting_id: int, entries: list, report: RosterReport
) -> None:
    emails = [entry.email for entry in entries]
    known = {
        member.email: member
        for member in await session.scalars(select(Member).where(Member.sig_id == sig_id, Member.email.in_(emails)))
    }
    created = []
    for entry in entries:
        if entry.email not in known:
            claim = new_claim(claim_key)
            created.append(
                {
                    "sig_id": sig_id,
                    "name": entry.name,
                    "email": entry.email,
                    "did": entry.did,
                    "claim_nonce": claim.nonce,
                    "claim_token_hash": claim.token_hash,
                }
            )
    member_ids = {member.email: member.id for member in known.values()}
    if created:  # one multi-row INSERT, then their ids: the ORM would insert row by row to learn each id
        await session.execute(insert(Member), created)
        report.members_created += len(created)
        new_emails = [row["email"] for row in created]
        rows = await session.execute(
            select(Member.email, Member.id).where(Member.sig_id == sig_id, Member.email.in_(new_emails))
        )
        member_ids.update(rows.all())
    attending = []
    for entry in entries:
        member = known.get(entry.email)
        if member is not None:
            if entry.did and member.did and member.did != entry.did:
                report.errors.append(
                    {
                        "line": entry.line,
                        "name": entry.name,
                        "reason": f"did {entry.did} differs from the DID on record for {entry.email}",
                    }
                )
                continue
            member.did = member.did or entry.did
            report.members_matched += 1
        attending.append(entry)
    present = set(
        await session.scalars(
            select(Attendance.member_id).where(
                Attendance.meeting_id == meeting_id,
                Attendance.member_id.in_([member_ids[entry.email] for entry in attending]),
            )
        )
    )
    added = [
        {
            "meeting_id": meeting_id,
            "member_id": member_ids[entry.email],
            "source": "roster",
            "joined_at": entry.joined_at,
            "left_at": entry.left_at,
        }
        for entry in attending
        if member_ids[entry.email] not in present
    ]
    if added:
        await session.execute(insert(Attendance), added)
    report.attendance_added += len(added)
    report.attendance_unchanged += len(attending) - len(added)
