"""Typed async client for the ACA-Py admin API: the only way the controller talks to its agent."""

from typing import Any, Self

import httpx

from .errors import AgentFailed, AgentRejected, AgentUnavailable

JSON = dict[str, Any]


class AgentClient:
    def __init__(
        self, base_url: str, api_key: str, timeout: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url, headers={"X-API-Key": api_key}, timeout=timeout, transport=transport
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise AgentUnavailable(f"agent did not answer {method} {path} in time") from exc
        except httpx.TransportError as exc:
            raise AgentUnavailable(f"agent unreachable at {self._http.base_url}: {exc}") from exc
        if response.status_code >= 500:
            raise AgentFailed(
                f"agent failed on {method} {path}: {response.status_code} {response.text[:500]}",
                response.status_code,
            )
        if response.status_code >= 400:
            raise AgentRejected(_message(response), response.status_code)
        return response.json()

    async def is_ready(self) -> bool:
        body = await self._request("GET", "/status/ready")
        return bool(body.get("ready"))

    async def create_did_key(self) -> str:
        """A new Ed25519 did:key in the agent's wallet."""
        body = await self._request(
            "POST", "/wallet/did/create", json={"method": "key", "options": {"key_type": "ed25519"}}
        )
        return body["result"]["did"]

    async def has_did(self, did: str) -> bool:
        body = await self._request("GET", "/wallet/did", params={"did": did})
        return bool(body.get("results"))

    async def issue_credential(self, credential: JSON, options: JSON) -> JSON:
        """Sign a credential (VC-API ``/vc/credentials/issue``)."""
        body = await self._request(
            "POST", "/vc/credentials/issue", json={"credential": credential, "options": options}
        )
        return body["verifiableCredential"]

    async def verify_credential(self, credential: JSON) -> JSON:
        """Check a credential's proof: ``{verified, errors?, results}``."""
        return await self._request(
            "POST", "/vc/credentials/verify", json={"verifiableCredential": credential}
        )


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    return str(body.get("message") or body.get("reason") or body) if isinstance(body, dict) else str(body)
