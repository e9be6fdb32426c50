"""Typed async client for the ACA-Py admin API: the only way the controller talks to its agent."""

import json
from typing import Any, Self

from ..credentials.dids import ed25519_multikey, verification_method
from .errors import AgentFailed, AgentRejected, AgentUnavailable
from .records import (
    ConnectionRecord,
    CredentialExchangeDetail,
    CredentialExchangeRecord,
    InvitationRecord,
    PresentationExchangeRecord,
)
from .transport import AgentAnswer, AgentRequest, AgentTimedOut, AgentTransport, AgentUnreachable, Transport

JSON = dict[str, Any]
# Calls that write to a ledger wait for its consensus, and a credential definition for its keys
# (measured: 3 to 15 s, more on a loaded machine): they get this instead of the usual timeout.
LEDGER_WRITE_TIMEOUT = 120.0


class AgentClient:
    def __init__(self, base_url: str, api_key: str, timeout: float, transport: Transport | None = None) -> None:
        self._base_url = base_url.rstrip("/")
        self._headers = {"X-API-Key": api_key}
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        self.timeout = timeout  # of each call, but those that wait for a ledger (LEDGER_WRITE_TIMEOUT)
        # Sent over aiohttp (transport.py) unless a test gives a fake agent of its own.
        self._transport = transport or AgentTransport()

    @property
    def base_url(self) -> str:
        return self._base_url

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        timeout: float | None = None,
        missing_ok: bool = False,
        answers: tuple[int, ...] = (),
    ) -> Any:
        body = None if json is None else _encode(json)
        try:
            response = await self._transport.send(
                AgentRequest(
                    method,
                    self._base_url + path,
                    self._headers if body is None else self._json_headers,
                    params,
                    body,
                    timeout or self.timeout,
                )
            )
        except AgentTimedOut as exc:
            raise AgentUnavailable(f"agent did not answer {method} {path} in time") from exc
        except AgentUnreachable as exc:
            raise AgentUnavailable(f"agent unreachable at {self._base_url}: {exc}") from exc
        if response.status >= 500:
            raise AgentFailed(
                f"agent failed on {method} {path}: {response.status} {response.text[:500]}", response.status
            )
        if response.status == 404 and missing_ok:
            return None
        if response.status in answers:
            try:
                return response.json()
            except ValueError:
                pass  # not the answer the endpoint documents: a refusal
        if response.status >= 400:
            raise AgentRejected(_message(response), response.status)
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

    async def create_did_web(self, did: str) -> str:
        """A did:web DID with a new Ed25519 key, its verification method bound to that key (so
        the agent signs as ``DID#key-1`` without resolving its own DID); returns the verkey."""
        body = await self._request(
            "POST", "/wallet/did/create", json={"method": "web", "options": {"did": did, "key_type": "ed25519"}}
        )
        verkey = body["result"]["verkey"]
        await self._request(
            "PUT", "/wallet/keys", json={"multikey": ed25519_multikey(verkey), "kid": verification_method(did)}
        )
        return verkey

    async def did_verkey(self, did: str) -> str | None:
        """The public key (base58) of a DID in the agent's wallet; None if the wallet has no such DID."""
        body = await self._request("GET", "/wallet/did", params={"did": did})
        return next((result["verkey"] for result in body.get("results") or []), None)

    async def issue_credential(self, credential: JSON, options: JSON) -> JSON:
        """Sign a credential (VC-API ``/vc/credentials/issue``)."""
        body = await self._request("POST", "/vc/credentials/issue", json={"credential": credential, "options": options})
        return body["verifiableCredential"]

    async def sign_jwt(self, payload: JSON, headers: JSON, verification_method: str) -> str:
        """A compact JWS by the key of ``verification_method`` (``/wallet/jwt/sign``); the agent sets
        ``alg`` (EdDSA for Ed25519) and ``kid``."""
        return await self._request(
            "POST",
            "/wallet/jwt/sign",
            json={"verificationMethod": verification_method, "headers": headers, "payload": payload},
        )

    async def verify_jwt(self, token: str) -> JSON:
        """Check a compact JWS by the key its ``kid`` names (``/wallet/jwt/verify``): ``{valid, headers, payload, kid}``."""
        return await self._request("POST", "/wallet/jwt/verify", json={"jwt": token})

    async def verify_credential(self, credential: JSON) -> JSON:
        """Check a credential's proof: ``{verified, errors?, results}``."""
        return await self._request("POST", "/vc/credentials/verify", json={"verifiableCredential": credential})

    async def add_data_integrity_proof(self, document: JSON, options: JSON) -> JSON:
        """Sign with a Data Integrity proof (``eddsa-jcs-2022``), ``/vc/di/add-proof``."""
        body = await self._request("POST", "/vc/di/add-proof", json={"document": document, "options": options})
        return body["securedDocument"]

    async def verify_data_integrity(self, document: JSON) -> JSON:
        """Check a Data Integrity proof: ``{verified, results?}``. ACA-Py answers a proof that
        does not verify with 400 and the same body, which is an answer here, not a refusal."""
        body = await self._request("POST", "/vc/di/verify", json={"securedDocument": document}, answers=(400,))
        if "verificationResults" not in body:
            raise AgentRejected(f"unexpected answer from /vc/di/verify: {str(body)[:300]}", 400)
        return body["verificationResults"]

    async def create_invitation(self, alias: str, label: str) -> InvitationRecord:
        """A single-use out-of-band invitation to connect with DID Exchange 1.1."""
        body = await self._request(
            "POST",
            "/out-of-band/create-invitation",
            params={"auto_accept": "true"},
            json={"alias": alias, "my_label": label, "handshake_protocols": [DID_EXCHANGE_1_1]},
        )
        return InvitationRecord.model_validate(body)

    async def get_connection(self, connection_id: str) -> ConnectionRecord | None:
        body = await self._request("GET", f"/connections/{connection_id}", missing_ok=True)
        return ConnectionRecord.model_validate(body) if body is not None else None

    async def list_connections(self, alias: str) -> list[ConnectionRecord]:
        body = await self._request("GET", "/connections", params={"alias": alias})
        return [ConnectionRecord.model_validate(record) for record in body["results"]]

    async def delete_connection(self, connection_id: str) -> None:
        """Forget a connection: nothing more is sent over it. A connection already gone is no error."""
        await self._request("DELETE", f"/connections/{connection_id}", missing_ok=True)

    async def delete_invitation(self, invi_msg_id: str) -> None:
        """Withdraw an out-of-band invitation (and a connection made from it), so nobody accepts it later."""
        await self._request("DELETE", f"/out-of-band/invitations/{invi_msg_id}", missing_ok=True)

    async def offer_ld_proof_credential(
        self, connection_id: str, credential: JSON, proof_type: str, verification_method: str
    ) -> CredentialExchangeRecord:
        """Offer a JSON-LD credential over issue-credential 2.0; the exchange then runs itself. The
        options name the proof purpose: a Credo holder compares the issued proof with them and
        silently drops a credential whose purpose was not asked for."""
        options: JSON = {
            "proofType": proof_type,
            "proofPurpose": "assertionMethod",
            "verificationMethod": verification_method,
        }
        body = await self._request(
            "POST",
            "/issue-credential-2.0/send-offer",
            json={
                "connection_id": connection_id,
                "filter": {"ld_proof": {"credential": credential, "options": options}},
                "auto_issue": True,
                "auto_remove": False,
            },
        )
        return CredentialExchangeRecord.model_validate(body)

    async def get_credential_exchange(self, cred_ex_id: str) -> CredentialExchangeRecord | None:
        detail = await self.get_credential_exchange_detail(cred_ex_id)
        return detail.cred_ex_record if detail else None

    async def get_credential_exchange_detail(self, cred_ex_id: str) -> CredentialExchangeDetail | None:
        """The exchange record and, once issued, its per-format details (the AnonCreds revocation ids)."""
        body = await self._request("GET", f"/issue-credential-2.0/records/{cred_ex_id}", missing_ok=True)
        return CredentialExchangeDetail.model_validate(body) if body else None

    async def list_credential_exchanges(self, connection_id: str) -> list[CredentialExchangeRecord]:
        body = await self._request("GET", "/issue-credential-2.0/records", params={"connection_id": connection_id})
        return [CredentialExchangeDetail.model_validate(entry).cred_ex_record for entry in body["results"]]

    async def continue_credential_exchange(self, cred_ex_id: str) -> CredentialExchangeRecord:
        """Issue on an exchange whose request arrived but was not answered (the agent restarted)."""
        body = await self._request("POST", f"/issue-credential-2.0/records/{cred_ex_id}/issue", json={})
        return CredentialExchangeRecord.model_validate(body["cred_ex_record"] if "cred_ex_record" in body else body)

    async def abandon_credential_exchange(self, cred_ex_id: str, reason: str) -> None:
        """Tell the wallet the offer is withdrawn, so it can never complete later."""
        await self._request(
            "POST", f"/issue-credential-2.0/records/{cred_ex_id}/problem-report", json={"description": reason}
        )

    async def verify_presentation(self, presentation: JSON, challenge: str, domain: str | None) -> JSON:
        """Check a presentation's proof and its credentials' proofs."""
        options: JSON = {"challenge": challenge, **({"domain": domain} if domain else {})}
        return await self._request(
            "POST", "/vc/presentations/verify", json={"verifiablePresentation": presentation, "options": options}
        )

    async def create_proof_request(self, definition: JSON, challenge: str, domain: str) -> PresentationExchangeRecord:
        """A present-proof 2.0 request (DIF PE) not yet bound to a connection; the agent verifies the answer."""
        body = await self._request(
            "POST",
            "/present-proof-2.0/create-request",
            json={
                "presentation_request": {
                    "dif": {
                        "options": {"challenge": challenge, "domain": domain},
                        "presentation_definition": definition,
                    }
                },
                "auto_verify": True,
                "auto_remove": False,
            },
        )
        return PresentationExchangeRecord.model_validate(body)

    async def create_connectionless_invitation(self, pres_ex_id: str, label: str) -> InvitationRecord:
        """An out-of-band invitation that carries the proof request itself: no connection needed."""
        body = await self._request(
            "POST",
            "/out-of-band/create-invitation",
            json={
                "attachments": [{"id": pres_ex_id, "type": "present-proof"}],
                "my_label": label,
                "use_public_did": False,
            },
        )
        return InvitationRecord.model_validate(body)

    async def get_presentation_exchange(self, pres_ex_id: str) -> PresentationExchangeRecord | None:
        body = await self._request("GET", f"/present-proof-2.0/records/{pres_ex_id}", missing_ok=True)
        return PresentationExchangeRecord.model_validate(body) if body is not None else None

    async def delete_presentation_exchange(self, pres_ex_id: str) -> None:
        await self._request("DELETE", f"/present-proof-2.0/records/{pres_ex_id}", missing_ok=True)

    # AnonCreds (only with a ledger and an askar-anoncreds wallet)

    async def public_did(self) -> str | None:
        """The DID the agent writes to the ledger with (its ``--seed``)."""
        body = await self._request("GET", "/wallet/did/public")
        return body["result"]["did"] if body.get("result") else None  # result is null without a public DID

    async def find_schema_ids(self, issuer_id: str, name: str, version: str) -> list[str]:
        """Schemas this agent registered under that name and version."""
        body = await self._request(
            "GET",
            "/anoncreds/schemas",
            params={"schema_issuer_id": issuer_id, "schema_name": name, "schema_version": version},
        )
        return body["schema_ids"]

    async def register_schema(self, issuer_id: str, name: str, version: str, attributes: list[str]) -> str:
        body = await self._request(
            "POST",
            "/anoncreds/schema",
            json={
                "schema": {"issuerId": issuer_id, "name": name, "version": version, "attrNames": attributes},
                "options": {},
            },
            timeout=LEDGER_WRITE_TIMEOUT,
        )
        return body["schema_state"]["schema_id"]

    async def find_credential_definition_ids(self, issuer_id: str, schema_id: str) -> list[str]:
        body = await self._request(
            "GET", "/anoncreds/credential-definitions", params={"issuer_id": issuer_id, "schema_id": schema_id}
        )
        return body["credential_definition_ids"]

    async def register_credential_definition(self, issuer_id: str, schema_id: str, tag: str, registry_size: int) -> str:
        """A revocable credential definition. Its revocation registry is set up after the answer,
        whatever ``wait_for_revocation_setup`` says (measured): see has_active_revocation_registry."""
        body = await self._request(
            "POST",
            "/anoncreds/credential-definition",
            json={
                "credential_definition": {"issuerId": issuer_id, "schemaId": schema_id, "tag": tag},
                "options": {"support_revocation": True, "revocation_registry_size": registry_size},
                "wait_for_revocation_setup": True,
            },
            timeout=LEDGER_WRITE_TIMEOUT,
        )
        return body["credential_definition_state"]["credential_definition_id"]

    async def has_active_revocation_registry(self, cred_def_id: str) -> bool:
        """Whether credentials of that definition can be issued (its revocation registry is ready)."""
        body = await self._request("GET", f"/anoncreds/revocation/active-registry/{cred_def_id}", missing_ok=True)
        return bool(body and body.get("result"))

    async def offer_anoncreds_credential(
        self, connection_id: str, cred_def_id: str, attributes: dict[str, str], comment: str | None = None
    ) -> CredentialExchangeRecord:
        """Offer an AnonCreds credential over issue-credential 2.0; the agent issues on the request."""
        preview = {
            "@type": "issue-credential/2.0/credential-preview",
            "attributes": [{"name": name, "value": value} for name, value in attributes.items()],
        }
        body = await self._request(
            "POST",
            "/issue-credential-2.0/send",
            json={
                "connection_id": connection_id,
                "credential_preview": preview,
                "filter": {"anoncreds": {"cred_def_id": cred_def_id}},
                "auto_remove": False,
                **({"comment": comment} if comment else {}),
            },
        )
        return CredentialExchangeRecord.model_validate(body)

    async def revoke_anoncreds_credential(self, cred_ex_id: str) -> None:
        """Revoke and publish the registry's new state to the ledger at once."""
        await self._request(
            "POST",
            "/anoncreds/revocation/revoke",
            json={"cred_ex_id": cred_ex_id, "publish": True, "notify": False},
            timeout=LEDGER_WRITE_TIMEOUT,
        )

    async def create_anoncreds_proof_request(self, request: JSON) -> PresentationExchangeRecord:
        """An AnonCreds present-proof 2.0 request bound to no connection (sent out of band)."""
        body = await self._request(
            "POST",
            "/present-proof-2.0/create-request",
            json={"presentation_request": {"anoncreds": request}, "auto_verify": True, "auto_remove": False},
        )
        return PresentationExchangeRecord.model_validate(body)

    async def send_anoncreds_proof_request(self, connection_id: str, request: JSON) -> PresentationExchangeRecord:
        body = await self._request(
            "POST",
            "/present-proof-2.0/send-request",
            json={
                "connection_id": connection_id,
                "presentation_request": {"anoncreds": request},
                "auto_verify": True,
                "auto_remove": False,
            },
        )
        return PresentationExchangeRecord.model_validate(body)


DID_EXCHANGE_1_1 = "https://didcomm.org/didexchange/1.1"


def _encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _message(response: AgentAnswer) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    return str(body.get("message") or body.get("reason") or body) if isinstance(body, dict) else str(body)
