"""The two pieces of ACA-Py's JSON-LD code the controller uses: the check the agent runs on what it
signs (properties no context defines) and the contexts the agent ships.

Importing ``acapy_agent.vc.ld_proofs`` applies nest_asyncio to the whole process: pure-Python
tasks and futures and a re-entrant event loop. The agent needs that (its document loader runs a
loop inside its loop); the controller does not (its loader reads pinned files and never nests a
loop), and every request it serves would pay for it (bench/MEASURED.md). So the controller imports
them with that patch skipped. In a process that imported ACA-Py's package first (the agent, with
our plugin), nothing changes: the patch was applied already.
"""

import nest_asyncio

_apply = nest_asyncio.apply
nest_asyncio.apply = lambda loop=None: None
try:
    from acapy_agent.vc.ld_proofs.check import get_properties_without_context
    from acapy_agent.vc.ld_proofs.document_downloader import StaticCacheJsonLdDownloader
finally:
    nest_asyncio.apply = _apply

__all__ = ["StaticCacheJsonLdDownloader", "get_properties_without_context"]
