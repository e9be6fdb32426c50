"""Server-rendered pages (Jinja2): no build step, no CDN."""

from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

from ..meetings.models import MEETING_KIND_LABELS
from ..timestamps import in_zone

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC_DIR = Path(__file__).parent / "static"


def kind_words(kind: str) -> str:
    """A meeting kind as pages show it: "Guest presentation", not ``guest-presentation``."""
    return MEETING_KIND_LABELS.get(kind, kind)


def local_time(value: datetime, zone: str, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) instant as the SIG's clock shows it."""
    return in_zone(value, zone).strftime(pattern)


templates.env.filters["kind_words"] = kind_words
templates.env.filters["local_time"] = local_time
