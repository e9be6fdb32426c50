"""The agent plugin that reports refused wallet messages to the controller, on ACA-Py's event bus."""

import json

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus, MockEventBus
from acapy_agent.transport.outbound.message import OutboundMessage
from acapy_agent.transport.outbound.status import OutboundSendStatus
from acapy_agent.utils.testing import create_test_profile

from vc_service.agent import acapy_plugin

REFUSAL = {
    "@type": "https://didcomm.org/report-problem/1.0/problem-report",
    "@id": "r1",
    "~thread": {"thid": "presentation-thread"},
    "description": {"en": "V20Pres schema validation failed", "code": "message-parse-failure"},
}


async def test_the_plugin_watches_every_outbound_message():
    context = InjectionContext()
    bus = EventBus()
    context.injector.bind_instance(EventBus, bus)
    await acapy_plugin.setup(context)
    for status in OutboundSendStatus:
        assert any(pattern.match(status.topic) for pattern in bus.topic_patterns_to_subscribers)


async def test_only_reports_of_unreadable_messages_become_webhooks():
    profile = await create_test_profile()
    bus = MockEventBus()
    profile.context.injector.bind_instance(EventBus, bus)
    abandoned = {**REFUSAL, "description": {"en": "no credential", "code": "abandoned"}}
    for payload in (json.dumps(REFUSAL), json.dumps(abandoned), b"\x01packed", None):
        event = Event(OutboundSendStatus.QUEUED_FOR_DELIVERY.topic, OutboundMessage(payload=payload))
        await acapy_plugin.forward_refusal(profile, event)
    assert [(event.topic, event.payload) for _, event in bus.events] == [("acapy::webhook::message_refused", REFUSAL)]
