"""Server-rendered pages (Jinja2): no build step, no CDN."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC_DIR = Path(__file__).parent / "static"


def documented_content(media_type: str, schema: dict | None = None) -> dict:
    """``responses=`` of a route that answers 200 with something other than JSON, for the OpenAPI document."""
    return {200: {"content": {media_type: {"schema": schema or {"type": "string"}}}}}
