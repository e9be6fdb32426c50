"""AnonCreds badges on a Hyperledger Indy ledger: the format most Aries mobile wallets hold.

Enabled by VC_SERVICE_LEDGER_GENESIS. The SIG registers one schema and one revocable credential
definition per badge kind, once; members' wallets receive credentials over their DIDComm
connection and prove facts from them (with predicates) without showing the whole badge.
"""
