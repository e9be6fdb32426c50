"""The SIG's badge formats over HTTP (organizer): thin; the rules are in formats/choice.py."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..anoncreds.definitions import AnonCredsSetupError
from ..deps import CurrentOrganizer, Session, State
from ..errors import Conflict, Invalid
from ..formats.choice import FormatUnavailable, badge_formats, set_badge_formats
from ..formats.models import FormatName
from ..formats.registry import all_formats, available_formats

router = APIRouter(prefix="/sig", tags=["sig"])


class BadgeFormatsIn(BaseModel):
    formats: list[FormatName] = Field(
        min_length=1,
        max_length=len(all_formats()),
        description="; ".join(
            f'"{fmt.name}": {fmt.label}' + (" on the ledger (needs one)" if fmt.needs_ledger else "")
            for fmt in all_formats()
        )
        + ".",
    )


class BadgeFormatsOut(BaseModel):
    formats: list[str]
    available: list[str] = Field(description="The formats this service can issue in (AnonCreds only with a ledger).")


def formats_out(state, formats: list[str]) -> BadgeFormatsOut:
    available = [fmt.name for fmt in available_formats(ledger=state.anoncreds is not None)]
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
