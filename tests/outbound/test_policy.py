"""The outbound-fetch policy on its own: which destinations a fetch made for a request may reach."""

import ipaddress

import pytest

from vc_service.outbound.policy import OutboundPolicy, OutboundRefused, outbound_policy
from vc_service.settings import Settings

FAILURE = "status list could not be fetched"


def policy(allowed: list[str] = ()) -> OutboundPolicy:
    settings = Settings(
        port=8000, agent_admin_port=8031, agent_inbound_port=8030, outbound_allow_networks=list(allowed)
    )
    return outbound_policy(settings)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ],
)
def test_by_default_only_public_addresses_are_destinations(address):
    assert not policy().allows(ipaddress.ip_address(address), 443)
    assert policy().allows(ipaddress.ip_address("93.184.215.14"), 443)


def test_an_allowed_network_is_a_destination_but_never_on_the_services_own_ports():
    allowing = policy(["127.0.0.1/32", "10.0.0.0/8"])
    assert allowing.allows(ipaddress.ip_address("127.0.0.1"), 9000) and allowing.allows(
        ipaddress.ip_address("10.1.2.3"), 443
    )
    assert not allowing.allows(ipaddress.ip_address("127.0.0.2"), 9000)
    for own in (8000, 8031, 8030):
        assert not allowing.allows(ipaddress.ip_address("127.0.0.1"), own)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "https://[::1]/x",
        "ftp://93.184.215.14/x",
        "http://host:no/x",
        "http://[bad/x",
        "https:///.well-known/did.json",
    ],
)
async def test_refusals_read_the_same_whatever_the_cause(url):
    with pytest.raises(OutboundRefused) as refused:
        await policy().for_request().destination(url, FAILURE)
    assert str(refused.value) == FAILURE


async def test_a_request_makes_a_bounded_number_of_fetches():
    request = policy(["127.0.0.1/32"]).for_request()
    for _ in range(32):
        assert (await request.destination("http://127.0.0.1:9/x", FAILURE))[2] == ipaddress.ip_address("127.0.0.1")
    with pytest.raises(OutboundRefused):
        await request.destination("http://127.0.0.1:9/x", FAILURE)


async def test_a_request_has_one_deadline_over_all_its_fetches():
    request = OutboundPolicy([], set(), fetch_timeout=5.0, request_timeout=0.0, request_fetches=4).for_request()
    assert request.timeout() == 0.0
    assert (
        OutboundPolicy([], set(), fetch_timeout=5.0, request_timeout=60.0, request_fetches=4).for_request().timeout()
        == 5.0
    )
