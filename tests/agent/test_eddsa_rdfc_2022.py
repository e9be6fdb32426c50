"""The eddsa-rdfc-2022 cryptosuite against the W3C vc-di-eddsa test vectors (vectors/README.md)."""

import base64
import copy
import json
from hashlib import sha256
from pathlib import Path

import pytest
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import EventBus
from acapy_agent.resolver.default.key import KeyDIDResolver
from acapy_agent.resolver.did_resolver import DIDResolver
from acapy_agent.utils.multiformats import multibase
from acapy_agent.utils.testing import create_test_profile
from acapy_agent.vc.data_integrity import manager as data_integrity
from acapy_agent.vc.data_integrity.models.options import DataIntegrityProofOptions
from acapy_agent.vc.ld_proofs import document_loader
from acapy_agent.wallet.base import BaseWallet
from acapy_agent.wallet.key_type import ED25519, KeyTypes

from vc_service.agent import acapy_plugin as agent_plugin
from vc_service.agent.acapy_plugin.eddsa_rdfc_2022 import RdfcError, hash_data
from vc_service.contexts import acapy_plugin as contexts_plugin

VECTORS = Path(__file__).parent / "vectors" / "eddsa-rdfc-2022"


def vector(name: str):
    text = (VECTORS / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


def spec_proof_options() -> dict:
    """The proof options the spec signs with: its proof configuration before the document's context joins."""
    return {key: value for key, value in vector("proofConfigDataInt.json").items() if key != "@context"}


@pytest.fixture
async def plugins():
    """Both service plugins set up as the agent sets them up (the vectors' examples context pinned
    besides ACA-Py's own); ACA-Py's classes and suite table restored afterwards."""
    downloader, load = document_loader.StaticCacheJsonLdDownloader, document_loader.DocumentLoader.__call__
    suites = dict(data_integrity.CRYPTOSUITES)
    context = InjectionContext(
        settings={"plugin_config": {"pinned_contexts": {"directories": [{"path": str(VECTORS / "contexts")}]}}}
    )
    context.injector.bind_instance(EventBus, EventBus())
    await contexts_plugin.setup(context)
    await agent_plugin.setup(context)
    yield
    document_loader.StaticCacheJsonLdDownloader, document_loader.DocumentLoader.__call__ = downloader, load
    data_integrity.CRYPTOSUITES.clear()
    data_integrity.CRYPTOSUITES.update(suites)


@pytest.fixture
def pinned_loader(plugins):
    return document_loader.StaticCacheJsonLdDownloader().load


@pytest.fixture
async def spec_key_session(plugins):
    """An agent wallet (in memory) holding the spec's key pair, with the agent's document loader."""
    profile = await create_test_profile()
    profile.context.injector.bind_instance(KeyTypes, KeyTypes())
    profile.context.injector.bind_instance(DIDResolver, DIDResolver([KeyDIDResolver()]))
    profile.context.injector.bind_instance(document_loader.DocumentLoader, document_loader.DocumentLoader(profile))
    secret = multibase.decode(vector("keyPair.json")["privateKeyMultibase"])
    assert secret[:2] == b"\x80\x26"  # multicodec ed25519-priv, then the 32-byte seed
    async with profile.session() as session:
        info = await session.inject(BaseWallet).create_key(ED25519, seed=base64.b64encode(secret[2:]).decode())
        assert multibase.decode(vector("keyPair.json")["publicKeyMultibase"])[2:] == multibase.decode("z" + info.verkey)
        yield session


def test_canonical_forms_and_hashes_are_the_specs_byte_for_byte(pinned_loader):
    canonical_document, canonical_config, data = hash_data(vector("unsigned.json"), spec_proof_options(), pinned_loader)
    assert canonical_document == vector("canonDocDataInt.txt")
    assert canonical_config == vector("proofCanonDataInt.txt")
    assert sha256(canonical_document.encode()).hexdigest() == vector("docHashDataInt.txt")
    assert sha256(canonical_config.encode()).hexdigest() == vector("proofHashDataInt.txt")
    assert data.hex() == vector("combinedHashDataInt.txt")


@pytest.mark.parametrize(
    "subject, types, named",
    [
        (
            {"id": "did:example:abcdefgh", "alumniOf": "x"},
            ["VerifiableCredential"],
            "attributes dropped: no context defines credentialSubject.alumniOf",
        ),
        (
            {"id": "did:example:abcdefgh"},
            ["VerifiableCredential", "AlumniCredential"],
            "no context defines AlumniCredential",
        ),
    ],
)
def test_a_term_no_context_defines_is_refused_not_dropped(pinned_loader, subject, types, named):
    """RDF would leave it out of the canonical form, so the signature would not cover it."""
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": types,
        "issuer": "did:example:issuer",
        "credentialSubject": subject,
    }
    with pytest.raises(RdfcError, match=named):
        hash_data(document, spec_proof_options(), pinned_loader)


async def test_the_agent_signs_with_the_wallet_key_to_the_specs_proof_value(spec_key_session):
    """Through ACA-Py's own Data Integrity manager, which finds the suite the plugin registered."""
    secured = await data_integrity.DataIntegrityManager(spec_key_session).add_proof(
        vector("unsigned.json"), DataIntegrityProofOptions.deserialize(spec_proof_options())
    )
    (proof,) = secured["proof"]
    assert proof["proofValue"] == vector("sigBTC58DataInt.txt")
    assert multibase.decode(proof["proofValue"]).hex() == vector("sigHexDataInt.txt")
    assert proof == vector("signedDataInt.json")["proof"]


async def test_the_agent_verifies_the_specs_signed_credential_and_not_a_tampered_one(spec_key_session):
    manager = data_integrity.DataIntegrityManager(spec_key_session)
    assert (await manager.verify_proof(vector("signedDataInt.json"))).verified is True
    tampered = copy.deepcopy(vector("signedDataInt.json"))
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    answer = await manager.verify_proof(tampered)
    assert answer.verified is False and answer.results[0].problem_details[0].detail == "Invalid signature."
    unpinned = copy.deepcopy(vector("signedDataInt.json"))
    unpinned["@context"].append("https://example.org/not-pinned")
    answer = await manager.verify_proof(unpinned)
    assert (
        answer.verified is False
        and "https://example.org/not-pinned is not pinned" in answer.results[0].problem_details[0].detail
    )
