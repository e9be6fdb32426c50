"""A tails server for revocation registries, speaking the API ACA-Py's AnonCreds issuer uses.

The issuer uploads each registry's tails file with ``PUT /hash/{tails_hash}`` (multipart, field
``tails``); holders download it with ``GET /hash/{tails_hash}``. Files are kept in a directory.
A file is written once: a tails file never changes, and its name is the hash of its content.
"""

import hashlib
import re
from pathlib import Path

import base58
from aiohttp import web

# A tails hash is the base58 SHA-256 of the file: 43 or 44 characters of the base58 alphabet.
TAILS_NAME = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{40,50}$")


def tails_app(directory: Path) -> web.Application:
    directory.mkdir(parents=True, exist_ok=True)

    def path_of(request: web.Request) -> Path:
        name = request.match_info["name"]
        if not TAILS_NAME.match(name):
            raise web.HTTPBadRequest(text="not a tails hash")
        return directory / name

    async def upload(request: web.Request) -> web.Response:
        path = path_of(request)
        form = await request.post()
        tails = form.get("tails")
        if not isinstance(tails, web.FileField):
            raise web.HTTPBadRequest(text="multipart field 'tails' missing")
        content = tails.file.read()
        if base58.b58encode(hashlib.sha256(content).digest()).decode() != path.name:
            raise web.HTTPBadRequest(text="the file's hash is not its name")
        if not path.exists():
            path.with_suffix(".part").write_bytes(content)
            path.with_suffix(".part").rename(path)
        return web.Response(text=path.name)

    async def download(request: web.Request) -> web.FileResponse:
        path = path_of(request)
        if not path.exists():
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Content-Type": "application/octet-stream"})

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_put("/hash/{name}", upload)
    app.router.add_get("/hash/{name}", download)
    return app
