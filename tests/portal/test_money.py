"""VAT is computed in one place, rounded half up to the cent."""

from decimal import Decimal

import pytest

from portal.money import format_euro, vat_added, vat_included


def test_vat_included_in_the_plans_price():
    assert vat_included(Decimal("302.50"), Decimal("21")) == Decimal("52.50")


@pytest.mark.parametrize(
    ("gross", "rate", "vat"),
    [
        (Decimal("0.12"), Decimal("60"), Decimal("0.05")),  # exactly 0.045: half up, not to even (0.04)
        (Decimal("0.01"), Decimal("100"), Decimal("0.01")),  # exactly 0.005
        (Decimal("0.03"), Decimal("100"), Decimal("0.02")),  # exactly 0.015
    ],
)
def test_vat_included_rounds_half_a_cent_up(gross, rate, vat):
    assert vat_included(gross, rate) == vat


def test_vat_added_rounds_half_a_cent_up():
    assert vat_added(Decimal("0.50"), Decimal("21")) == Decimal("0.11")  # exactly 0.105


def test_no_vat_at_a_zero_rate():
    assert vat_included(Decimal("95.00"), Decimal("0")) == Decimal("0.00")


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("9"), Decimal("21"), Decimal("21.5"), Decimal("100")])
def test_the_vat_in_a_price_is_the_vat_that_was_added_to_it(rate):
    for cents in range(0, 5001, 7):
        net = Decimal(cents) / 100
        vat = vat_added(net, rate)
        assert vat_included(net + vat, rate) == vat, net


def test_amounts_read_as_in_each_language():
    assert format_euro(Decimal("1234.5"), language="nl") == "€ 1.234,50"
    assert format_euro(Decimal("1234.5"), language="en") == "€1,234.50"
