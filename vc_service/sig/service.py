"""Creating SIGs and finding one by its slug."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..audit.service import record
from ..errors import Invalid, NotFound
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
    sig = Sig(slug=slug, name=name.strip(), description=description, url=url)
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
