"""The value check (docs/domain.md, The value check) with hand-worked numbers."""

from decimal import Decimal

from presales.work import value


def codes(flags):
    return [flag.code for flag in flags]


def test_value_per_hour_hand_worked():
    # 2,000,000 × 5 points ÷ 20 hours = 100,000 × ... = 2,000,000 × 0.05 / 20 = 5,000 per hour
    assert value.value_per_hour(Decimal("2000000"), Decimal("5"), Decimal("20")) == Decimal("5000.00")
    # 300,000 × 2.5 points ÷ 8 hours = 7,500 / 8 = 937.50
    assert value.value_per_hour(Decimal("300000"), Decimal("2.5"), Decimal("8")) == Decimal("937.50")
    assert value.value_per_hour(Decimal("300000"), None, Decimal("8")) is None


def test_team_norm_is_the_median():
    assert value.team_norm([Decimal("100"), Decimal("300"), None, Decimal("200")]) == Decimal("200.00")
    assert value.team_norm([Decimal("100"), Decimal("300")]) == Decimal("200.00")
    assert value.team_norm([None]) is None


def test_low_value_below_half_the_norm():
    flags = value.value_flags(
        value=Decimal("937.50"), norm=Decimal("5000"), is_open=True, probability=50, kind="poc", solution_accepted=False
    )
    assert codes(flags) == ["low_value"]
    assert "937.50" in flags[0].message and "5,000.00" in flags[0].message
    # 2,500 is exactly half of 5,000: not below it, not flagged.
    assert (
        value.value_flags(
            value=Decimal("2500"),
            norm=Decimal("5000"),
            is_open=True,
            probability=50,
            kind="poc",
            solution_accepted=False,
        )
        == []
    )


def test_decided_deals_are_flagged():
    def flags(probability, is_open=True):
        return codes(
            value.value_flags(
                value=Decimal("5000"),
                norm=Decimal("5000"),
                is_open=is_open,
                probability=probability,
                kind="demo",
                solution_accepted=False,
            )
        )

    assert flags(90) == ["decided"]
    assert flags(10) == ["decided"]
    assert flags(89) == []
    assert flags(11) == []
    assert flags(50, is_open=False) == ["decided"]


def test_polishing_after_solution_accepted():
    def flags(kind, accepted):
        return codes(
            value.value_flags(
                value=Decimal("5000"), norm=None, is_open=True, probability=50, kind=kind, solution_accepted=accepted
            )
        )

    assert flags("solution_writing", True) == ["polishing"]
    assert flags("solution_design", True) == ["polishing"]
    assert flags("solution_writing", False) == []
    assert flags("poc", True) == []


def test_missing_uplift_is_flagged():
    assert codes(
        value.value_flags(
            value=None, norm=Decimal("10"), is_open=True, probability=50, kind="qa", solution_accepted=False
        )
    ) == ["no_uplift"]
