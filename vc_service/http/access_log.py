"""The access log without the secrets some URLs carry.

A claim link (``/c/{token}``, ``/i/{token}``) lets its holder take a member's badges, and a door
link (``/d/{token}``) checks people in: the log keeps the route, never the token.
"""

import logging
import re

PRIVATE_PATH = re.compile(r"^/([cid])/[^/?]+")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access records: (client, method, path with query, HTTP version, status)
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, PRIVATE_PATH.sub(r"/\1/***", str(path)), version, status)
        return True


def redact_access_log() -> None:
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
