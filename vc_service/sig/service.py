"""Creating SIGs and finding one by its slug."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..audit.service import record
from ..errors import Invalid, NotFound
from ..timestamps import time_zone as known_time_zone
from .models import Sig
from .slugs import InvalidSlug, check_slug, slug_from_name


class UnknownSig(NotFound, LookupError):
    pass


class InvalidSig(Invalid, ValueError):
    pass


async def create_sig(
    session: AsyncSession,
    name: str,
    description: str = "",
    url: str | None = None,
    slug: str | None = None,
    actor: str = "service",
    time_zone: str = "UTC",
) -> Sig:
    """A new SIG; its slug is given or made from its name. The first line of its audit log. Commits."""
    if not name.strip():
        raise InvalidSig("a SIG needs a name")
    taken = set(await session.scalars(select(Sig.slug)))
    if slug is None:
        slug = slug_from_name(name, taken)
    else:
        try:
            check_slug(slug)
        except InvalidSlug as exc:
            raise InvalidSig(str(exc)) from exc
        if slug in taken:
            raise InvalidSig(f"the slug {slug!r} is taken: choose another with --slug")
    sig = Sig(slug=slug, name=name.strip(), description=description, url=url, time_zone=time_zone)
    session.add(sig)
    await session.flush()
    record(session, sig.id, actor, "sig.created", slug, name=sig.name)
    await session.commit()
    return sig


async def all_sigs(session: AsyncSession) -> list[Sig]:
    return list(await session.scalars(select(Sig).order_by(Sig.id)))


async def choose_sig(session: AsyncSession, slug: str | None, how_to_name: str = "with --sig") -> Sig:
    """The SIG with this slug; without one, the only SIG there is. Else the error names the choices
    (and ``how_to_name`` one: a command's option, a request's field)."""
    sigs = await all_sigs(session)
    if not sigs:
        raise UnknownSig("no SIG yet: start the service once (make run) so it sets up its first SIG")
    choices = ", ".join(sig.slug for sig in sigs)
    if slug is None:
        if len(sigs) > 1:
            raise UnknownSig(f"this service has several SIGs: name one {how_to_name} ({choices})")
        return sigs[0]
    found = next((sig for sig in sigs if sig.slug == slug), None)
    if found is None:
        raise UnknownSig(f"no SIG {slug!r}: choose one of {choices}")
    return found


PROFILE_FIELDS = ("name", "description", "url", "image", "time_zone", "names_in_badges")


def _web_address(value: str | None, what: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and (not value.startswith(("https://", "http://")) or len(value) > 500 or " " in value):
        raise InvalidSig(f"the SIG's {what} must be an http(s) address of at most 500 characters, not {value!r}")
    return value


async def update_profile(
    session: AsyncSession,
    sig: Sig,
    *,
    name: str,
    description: str,
    url: str | None,
    image: str | None,
    time_zone: str,
    names_in_badges: bool,
    actor: str,
) -> Sig:
    """The SIG's profile, its badges' issuer Profile from now on (badges issued before keep theirs). Commits."""
    if not name.strip() or len(name.strip()) > 200:
        raise InvalidSig("a SIG needs a name of 1 to 200 characters")
    try:
        known_time_zone(time_zone)
    except ValueError as exc:
        raise InvalidSig(str(exc)) from exc
    sig.name, sig.description = name.strip(), description.strip()
    sig.url, sig.image = _web_address(url, "web page"), _web_address(image, "image")
    sig.time_zone, sig.names_in_badges = time_zone, names_in_badges
    record(
        session,
        sig.id,
        actor,
        "sig.profile_changed",
        sig.slug,
        **{field: getattr(sig, field) for field in PROFILE_FIELDS},
    )
    await session.commit()
    return sig


async def sig_time_zone(session: AsyncSession, sig_id: int) -> str:
    """The IANA name of the SIG's time zone."""
    return await session.scalar(select(Sig.time_zone).where(Sig.id == sig_id)) or "UTC"
