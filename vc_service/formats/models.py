"""The names badge formats are stored under (``badges.format``, ``sigs.badge_formats``) and that
ACA-Py's issue-credential and present-proof protocols key their ``by_format`` parts with. A leaf
of the schema: tables and agent code read the names from here, the rules of each format live in
its own module (ld_proof.py, anoncreds.py)."""

from enum import StrEnum


class FormatName(StrEnum):
    LD_PROOF = "ld_proof"  # an Open Badge: a JSON-LD verifiable credential
    ANONCREDS = "anoncreds"  # an AnonCreds credential on the ledger's definitions
