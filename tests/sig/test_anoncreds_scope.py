"""AnonCreds routes answer an organizer for their own SIG only. The agent is a fake admin API:
no ledger is needed to see whose member a proof request went to, nor whose definitions these are
(tests/anoncreds/test_sigs_end_to_end.py registers a second SIG's on a real ledger)."""

import httpx

from vc_service.anoncreds.definitions import SigDefinitions
from vc_service.anoncreds.models import AnonCredsDefinition
from vc_service.members.models import Member
from vc_service.organizers.keys import create_api_key
from vc_service.organizers.service import create_account
from vc_service.sig.service import create_sig

from ..test_main import app_with_fake_agent

PROOF_REQUEST = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def agent_with_a_proof_request(request: httpx.Request) -> httpx.Response:
    """The first SIG's member's wallet answered this proof request over its connection."""
    if request.url.path == "/wallet/did/create":  # the other SIG's issuer DID, made at its first use
        return httpx.Response(200, json={"result": {"did": "did:key:z6MkOther", "verkey": "other-verkey"}})
    if request.url.path == "/wallet/did":  # and found in the wallet
        return httpx.Response(200, json={"results": [{"did": request.url.params["did"], "verkey": "other-verkey"}]})
    if request.url.path == "/wallet/did/public":
        return httpx.Response(200, json={"result": {"did": "Th7MpTaRZVRYnPiabds81Y"}})
    if request.url.path.startswith("/anoncreds/revocation/active-registry/"):
        return httpx.Response(200, json={"result": {"revoc_reg_id": "r"}})
    if request.url.path == f"/present-proof-2.0/records/{PROOF_REQUEST}":
        return httpx.Response(
            200, json={"pres_ex_id": PROOF_REQUEST, "connection_id": "conn-first", "state": "done", "verified": "true"}
        )
    return httpx.Response(404, json={"detail": "not found"})


async def test_anoncreds_answers_each_sigs_organizers_for_their_own_sig_only(tmp_path, database_url):
    app = await app_with_fake_agent(tmp_path, agent_with_a_proof_request, database_url)
    state = app.state.service
    first_sig = (await state.issuers.first()).sig_id
    async with state.sessions() as session:
        session.add(
            Member(
                sig_id=first_sig,
                name="First",
                email="first@example.org",
                claim_token_hash="t-first",
                connection_id="conn-first",
            )
        )
        other = await create_sig(session, "Other SIG")
        account = await create_account(
            session, other.id, "other@example.org", "a long enough password", actor="test", min_score=3
        )
        _record, other_key = await create_api_key(session, account, "test", actor="test")
        session.add_all(
            AnonCredsDefinition(
                sig_id=first_sig,
                kind=kind,
                issuer_did="Th7MpTaRZVRYnPiabds81Y",
                schema_id=f"s-{kind}",
                cred_def_id=f"c-{kind}",
            )
            for kind in ("membership", "attendance", "presenter", "participation")
        )
        await session.commit()
    state.anoncreds = SigDefinitions(state.sessions, state.agent)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test", headers={"X-API-Key": "k"}) as first,
        httpx.AsyncClient(transport=transport, base_url="http://test", headers={"X-API-Key": other_key}) as second,
    ):
        assert (await first.get(f"/anoncreds/proof-requests/{PROOF_REQUEST}")).json()["verified"] is True
        assert (await first.get("/anoncreds/definitions")).json()["attendance"]["cred_def_id"] == "c-attendance"
        for path in (f"/anoncreds/proof-requests/{PROOF_REQUEST}", "/anoncreds/definitions"):
            refused = await second.get(path)
            assert (
                refused.status_code == 404 and "c-attendance" not in refused.text and "conn-first" not in refused.text
            ), path
        assert "choose the AnonCreds format" in (await second.get("/anoncreds/definitions")).json()["detail"]
        assert (await first.put("/sig/badge-formats", json={"formats": ["ld_proof", "anoncreds"]})).json()[
            "formats"
        ] == ["ld_proof", "anoncreds"]
        # The other SIG may choose AnonCreds too (registering its own definitions): not here, where
        # the fake agent has no ledger to register on; its choice is refused, and nothing changes.
        assert (await second.get("/sig/badge-formats")).json() == {
            "formats": ["ld_proof"],
            "available": ["ld_proof", "anoncreds"],
        }
        refused = await second.put("/sig/badge-formats", json={"formats": ["anoncreds"]})
        assert refused.status_code == 502 and "agent error" in refused.json()["detail"]
        assert (await second.get("/sig/badge-formats")).json()["formats"] == ["ld_proof"]
        assert (await first.get("/anoncreds/definitions")).json()["attendance"]["cred_def_id"] == "c-attendance"
    await state.engine.dispose()
