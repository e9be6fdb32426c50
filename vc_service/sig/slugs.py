"""A SIG's slug: short, URL-safe, unique; it names the SIG in URLs and on the command line. Pure code."""

import re
import unicodedata
from collections.abc import Collection

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 40


class InvalidSlug(ValueError):
    pass


def slug_from_name(name: str, taken: Collection[str] = frozenset()) -> str:
    """Lower-case ASCII words joined by hyphens, with -2, -3, ... if the plain one is taken."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[: MAX_SLUG_LENGTH - 4].strip("-") or "sig"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_slug(slug: str) -> str:
    if len(slug) > MAX_SLUG_LENGTH or not SLUG_PATTERN.match(slug):
        raise InvalidSlug(
            f"slug {slug!r} must be at most {MAX_SLUG_LENGTH} lower-case letters, digits and single hyphens "
            "between them (like health-informatics)"
        )
    return slug
