"""HTTP plumbing shared by every route and page: headers, body limits, rate limits, text checks, the access log."""


def documented_content(media_type: str, schema: dict | None = None) -> dict:
    """``responses=`` of a route that answers 200 with something other than JSON, for the OpenAPI document."""
    return {200: {"content": {media_type: {"schema": schema or {"type": "string"}}}}}
