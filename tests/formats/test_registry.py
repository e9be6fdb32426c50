"""The registry: every format once, in their canonical order, and which a service can issue in."""

import pytest

from vc_service.formats.choice import chosen_formats
from vc_service.formats.models import FormatName
from vc_service.formats.registry import (
    DEFAULT_FORMATS,
    all_formats,
    available_formats,
    badge_format,
    in_order,
    proof_format,
)


def test_every_format_is_registered_once_in_canonical_order():
    assert [fmt.name for fmt in all_formats()] == list(FormatName)
    assert DEFAULT_FORMATS == [all_formats()[0].name]


def test_a_format_is_found_by_its_stored_name():
    for name in FormatName:
        assert badge_format(str(name)).name == name


def test_an_unknown_name_is_refused():
    with pytest.raises(ValueError, match="unknown badge format"):
        badge_format("x509")


def test_formats_that_need_a_ledger_are_available_only_with_one():
    with_ledger = available_formats(ledger=True)
    without = available_formats(ledger=False)
    assert with_ledger == all_formats()
    assert without == [fmt for fmt in all_formats() if not fmt.needs_ledger]
    assert without  # a service without a ledger still issues in some format


def test_named_formats_come_back_in_canonical_order_once_each():
    names = [fmt.name for fmt in reversed(all_formats())]
    assert in_order(names + names) == all_formats()


def test_the_sig_rule_refuses_a_ledger_format_without_a_ledger():
    ledger_formats = [fmt.name for fmt in all_formats() if fmt.needs_ledger]
    assert chosen_formats(ledger_formats, None) == ledger_formats
    with pytest.raises(Exception, match="no ledger"):
        chosen_formats(ledger_formats, "no ledger")


def test_each_proof_template_belongs_to_one_format():
    templates = [template for fmt in all_formats() for template in fmt.proof_templates]
    assert sorted(templates) == sorted(set(templates)) == ["attended", "attended-at-least", "member", "presented"]
    assert proof_format("attended").name == FormatName.LD_PROOF
    assert proof_format("attended-at-least").name == FormatName.ANONCREDS
    with pytest.raises(ValueError, match="unknown proof template"):
        proof_format("nonsense")
