"""The development Hyperledger Indy ledger: a 4-node pool and a tails server on loopback."""
