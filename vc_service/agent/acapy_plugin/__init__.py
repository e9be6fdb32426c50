"""ACA-Py plugin (``--plugin vc_service.agent.acapy_plugin``): tells the controller about wallet
messages the agent refused to read, and adds the ``eddsa-rdfc-2022`` cryptosuite.

ACA-Py answers a message it cannot parse with a problem report to the sender (code
``message-parse-failure``) and records nothing: no exchange changes state, no webhook says so,
and a proof request whose answer was refused would wait, pending, until it expires. The plugin
watches the agent's outbound messages on ACA-Py's event bus and sends each such report to the
controller as a webhook of topic ``message_refused`` (the report itself: its thread names the
exchange, its description the reason).

ACA-Py's Data Integrity manager picks a suite by name from its module-level ``CRYPTOSUITES``
table, both when signing (``/vc/di/add-proof``) and verifying (``/vc/di/verify``); it offers no
other registration point, so ``setup()`` adds ``eddsa-rdfc-2022`` (eddsa_rdfc_2022.py) to that
table.
"""

import json
import re

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.transport.outbound.status import OUTBOUND_STATUS_PREFIX
from acapy_agent.vc.data_integrity import manager as data_integrity

from .eddsa_rdfc_2022 import CRYPTOSUITE, EddsaRdfc2022

WEBHOOK_TOPIC = "message_refused"
PARSE_FAILURE = "message-parse-failure"


def refusal(outbound_payload: str | bytes | None) -> dict | None:
    """The problem report in an outbound message if it reports a message the agent could not parse."""
    try:
        message = json.loads(outbound_payload or "")
    except ValueError:
        return None  # packed or not JSON: not a report of ours
    if isinstance(message, dict) and (message.get("description") or {}).get("code") == PARSE_FAILURE:
        return message
    return None


async def forward_refusal(profile: Profile, event: Event) -> None:
    if (report := refusal(getattr(event.payload, "payload", None))) is not None:
        await profile.notify(f"acapy::webhook::{WEBHOOK_TOPIC}", report)


async def setup(context: InjectionContext) -> None:
    context.inject(EventBus).subscribe(re.compile("^" + re.escape(OUTBOUND_STATUS_PREFIX)), forward_refusal)
    data_integrity.CRYPTOSUITES[CRYPTOSUITE] = EddsaRdfc2022
