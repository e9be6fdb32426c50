"""The organizer's SIG profile over HTTP: thin; the rules are in sig/service.py."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..deps import CurrentOrganizer, Session, State
from .models import Sig
from .service import update_profile

router = APIRouter(prefix="/sig", tags=["sig"])


class SigProfile(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="The issuer name every new badge shows.")
    description: str = Field("", max_length=5000)
    url: str | None = Field(None, max_length=500, description="The SIG's web page (http or https).")
    image: str | None = Field(None, max_length=500, description="Address of the SIG's logo (http or https).")
    time_zone: str = Field("UTC", max_length=64, description="IANA name: the dashboard's meeting times are in it.")
    names_in_badges: bool = Field(True, description="New badges carry the member's name (credentialSubject.name).")


def profile_of(sig: Sig) -> SigProfile:
    return SigProfile.model_validate(sig, from_attributes=True)


@router.get("/profile", response_model=SigProfile, summary="The SIG's profile: its badges' issuer")
async def get_profile(organizer: CurrentOrganizer, session: Session) -> SigProfile:
    return profile_of(await session.get_one(Sig, organizer.sig_id))


@router.put(
    "/profile",
    response_model=SigProfile,
    summary="Change the SIG's profile",
    description="New badges carry it; badges issued before keep the profile they were signed with.",
)
async def put_profile(body: SigProfile, organizer: CurrentOrganizer, state: State, session: Session) -> SigProfile:
    sig = await session.get_one(Sig, organizer.sig_id)
    await update_profile(session, sig, **body.model_dump(), actor=organizer.actor)
    state.issuers.forget(sig.id)
    return profile_of(sig)
