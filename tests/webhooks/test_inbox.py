"""Storing webhook events once, on SQLite and on PostgreSQL."""

import pytest

from vc_service.db.engine import create_engine
from vc_service.db.migrate import upgrade_to_head
from vc_service.webhooks.inbox import event_key, store_event


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"cred_ex_id": "x", "connection_id": "c", "state": "offer-sent"}, ("x", "offer-sent")),
        ({"cred_ex_ld_proof_id": "d", "cred_ex_id": "x", "state": "done"}, ("d", "done")),
        ({"pres_ex_id": "p", "connection_id": "c", "state": "done"}, ("p", "done")),
        ({"connection_id": "c", "state": "active", "rfc23_state": "completed"}, ("c", "active")),
        ({"@id": "m", "description": {"code": "x"}}, ("m", "")),
    ],
    ids=["exchange", "ld-proof-detail", "presentation", "connection", "problem-report"],
)
def test_event_key_names_the_record_and_state(payload, key):
    assert event_key(payload) == key


def test_events_without_a_record_id_are_keyed_by_content():
    first, _ = event_key({"a": 1, "b": 2})
    assert first == event_key({"b": 2, "a": 1})[0]
    assert first != event_key({"a": 2})[0]


async def test_the_same_event_is_stored_once(sessions):
    event = {"cred_ex_id": "x", "state": "offer-sent"}
    async with sessions() as session:
        assert await store_event(session, "issue_credential_v2_0", event) is not None
        assert await store_event(session, "issue_credential_v2_0", event) is None
        assert await store_event(session, "issue_credential_v2_0", {**event, "state": "done"}) is not None
        assert await store_event(session, "present_proof_v2_0", event) is not None


async def test_migrations_run_twice_without_harm(database_url):
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    await upgrade_to_head(engine)
    await engine.dispose()
