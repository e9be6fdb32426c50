"""Stand-in for python-ursa, whose libursa.so nothing here provides.

indy-plenum uses only ``ursa.bls`` (BLS multi-signatures of the pool) and
``ursa.indy_error``; the ``indy-bls`` wheel bundles its own library and has the same API.
"""
