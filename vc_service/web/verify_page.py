"""The public verify page: drop a credential file or paste its JSON, read the verdict in plain words."""

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile, status
from fastapi.responses import HTMLResponse

from ..credentials.document import InvalidCredential
from ..deps import State
from ..http.limits import json_nesting_problem
from ..routing import verify_limit
from ..verification.checks import verify_credential
from .auth import page, service_title

router = APIRouter(tags=["pages"], include_in_schema=False)
MAX_FILE_BYTES = 1_000_000

# What each named check means to someone holding a file, when it passes and when it does not.
PLAIN_CHECKS = {
    "proof": ("The signature is valid: nothing was changed since it was signed.", "The signature does not hold"),
    "issuer": ("The issuer is known to this service.", "The issuer"),
    "validity": ("It is within its validity period (not expired).", "Validity period"),
    "status": ("It has not been revoked or suspended.", "Revocation or suspension"),
    "shape": ("It is a complete Open Badge.", "Open Badge shape"),
}


def plain_verdict(result: dict) -> list[dict]:
    """One line per check: passed, warning or failed, in plain words, with the reason when not passed."""
    lines = []
    for check in result["checks"]:
        passed, failed = PLAIN_CHECKS.get(check, (f"{check}: passed", check))
        errors = [p["message"] for p in result["errors"] if p["check"] == check]
        warnings = [p["message"] for p in result["warnings"] if p["check"] == check]
        if errors:
            lines.append({"outcome": "failed", "text": f"{failed}: {'; '.join(errors)}"})
        elif warnings:
            lines.append({"outcome": "warning", "text": f"{failed}: {'; '.join(warnings)}"})
        else:
            lines.append({"outcome": "passed", "text": passed})
    return lines


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def badge_facts(credential: dict) -> list[tuple[str, str]]:
    """What a verifier asks first, read off the badge: whose it is, for what, when, and from whom."""
    found = credential.get("credentialSubject")
    subject: dict = found if isinstance(found, dict) else {}
    listed = subject.get("identifier")
    identifiers: list = listed if isinstance(listed, list) else []
    named = next(
        (i.get("identityHash") for i in identifiers if isinstance(i, dict) and i.get("identityType") == "name"), None
    )
    issuer = credential.get("issuer")
    found = subject.get("achievement")
    achievement: dict = found if isinstance(found, dict) else {}
    started = _text(subject.get("activityStartDate"))
    facts = [
        ("Member", _text(subject.get("name")) or _text(named) or "not named in the badge"),
        ("Badge", _text(credential.get("name")) or _text(achievement.get("name")) or "unnamed"),
    ]
    if started:
        try:
            facts.append(("Meeting date", datetime.fromisoformat(started.replace("Z", "+00:00")).strftime("%d %B %Y")))
        except ValueError:
            facts.append(("Meeting date", started))
    evidence = credential.get("evidence")
    for entry in evidence if isinstance(evidence, list) else []:
        if isinstance(entry, dict) and _text(entry.get("narrative")):
            facts.append(("Evidence", entry["narrative"]))
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else None
    facts.append(("Issued by", issuer_name or _text(issuer if isinstance(issuer, str) else None) or "unnamed issuer"))
    return facts


@router.get("/verify", response_class=HTMLResponse)
async def verify_form(request: Request, state: State):
    return await verify_page(request, state, {"result": None, "error": None, "pasted": ""})


@router.post("/verify", response_class=HTMLResponse, dependencies=[Depends(verify_limit)])
async def verify_submitted(
    request: Request,
    state: State,
    pasted: Annotated[str, Form(max_length=MAX_FILE_BYTES)] = "",
    file: UploadFile | None = None,
):
    text = pasted
    if file is not None and file.filename:
        data = await file.read(MAX_FILE_BYTES + 1)
        text = data.decode("utf-8", errors="replace") if len(data) <= MAX_FILE_BYTES else ""
        if not text:
            return await _problem(request, state, pasted, "The file is empty or larger than 1 MB.")
    if not text.strip():
        return await _problem(request, state, pasted, "Choose a credential file or paste its JSON.")
    if nesting := json_nesting_problem(text.encode(errors="surrogatepass")):
        return await _problem(
            request, state, "", f"This JSON is {nesting}: it is not a credential this service can read."
        )
    try:
        credential = json.loads(text)
    except json.JSONDecodeError as exc:
        return await _problem(
            request, state, text, f"This is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        )
    if not isinstance(credential, dict):
        return await _problem(request, state, text, "This JSON is not a credential (it is not an object).")
    try:
        result = (
            await verify_credential(
                state.agent,
                credential,
                state.contexts,
                await state.known_issuers(),
                state.status_lists,
                state.outbound.for_request(),
            )
        ).as_dict()
    except InvalidCredential as exc:
        return await _problem(request, state, text, f"This is not a credential this service can check: {exc}.")
    context = {
        "result": result,
        "lines": plain_verdict(result),
        "error": None,
        "pasted": text,
        "credential": credential,
        "facts": badge_facts(credential),
    }
    # The same status as POST /credentials/verify: 400 for a credential that fails verification.
    return await verify_page(
        request, state, context, status.HTTP_200_OK if result["verified"] else status.HTTP_400_BAD_REQUEST
    )


async def verify_page(request: Request, state: State, context: dict, status_code: int = status.HTTP_200_OK):
    return page(request, None, "verify.html", {"sig_name": await service_title(state), **context}, status_code)


async def _problem(request: Request, state: State, pasted: str, message: str):
    context = {"result": None, "error": message, "pasted": pasted}
    return await verify_page(request, state, context, status.HTTP_422_UNPROCESSABLE_CONTENT)
