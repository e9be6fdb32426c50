"""Badges picked up by a wallet through a W3C VC-API exchange with DID Authentication, as the
Learner Credential Wallet does (its ``dccrequest://`` deep link, or the exchange's request): the
wallet proves a did:key, and the member's waiting badges are issued to it."""
