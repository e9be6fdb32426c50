"""The SIG's badge formats over HTTP (organizer): thin; the rules are in formats.py."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..anoncreds.definitions import AnonCredsSetupError
from ..badges.models import BADGE_FORMATS
from ..deps import CurrentOrganizer, Session, State
from ..errors import Conflict, Invalid
from .formats import FormatUnavailable, badge_formats, set_badge_formats

router = APIRouter(prefix="/sig", tags=["sig"])


class BadgeFormatsIn(BaseModel):
    formats: list[Literal["ld_proof", "anoncreds"]] = Field(
        min_length=1,
        max_length=len(BADGE_FORMATS),
        description='"ld_proof": Open Badges 3.0 (JSON-LD); "anoncreds": AnonCreds on the ledger (needs one).',
    )


class BadgeFormatsOut(BaseModel):
    formats: list[str]
    available: list[str] = Field(description="The formats this service can issue in (AnonCreds only with a ledger).")


def formats_out(state, formats: list[str]) -> BadgeFormatsOut:
    available = [name for name in BADGE_FORMATS if name != "anoncreds" or state.anoncreds is not None]
    return BadgeFormatsOut(formats=formats, available=available)


@router.get("/badge-formats", response_model=BadgeFormatsOut, summary="The formats the SIG's badges are issued in")
async def get_badge_formats(organizer: CurrentOrganizer, state: State, session: Session) -> BadgeFormatsOut:
    return formats_out(state, await badge_formats(session, organizer.sig_id))


@router.put(
    "/badge-formats",
    response_model=BadgeFormatsOut,
    summary="Choose the formats of the SIG's badges: Open Badges (JSON-LD), AnonCreds, or both",
    description="Choosing AnonCreds for the first time registers the SIG's credential definitions on the "
    "ledger first, which takes some tens of seconds.",
)
async def put_badge_formats(
    body: BadgeFormatsIn, organizer: CurrentOrganizer, state: State, session: Session
) -> BadgeFormatsOut:
    try:
        formats = await set_badge_formats(session, organizer.sig_id, body.formats, state.anoncreds, organizer.actor)
    except (FormatUnavailable, AnonCredsSetupError) as exc:
        raise Conflict(str(exc)) from exc
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    return formats_out(state, formats)
