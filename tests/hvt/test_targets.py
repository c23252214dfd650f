import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from geo.models import Municipality, PopulationFigure
from hvt import services
from hvt.models import MunicipalityTarget

pytestmark = pytest.mark.django_db


def test_largest_remainder_sums_exactly_and_gives_units_to_the_largest_remainders():
    # quotas 10 × (5, 3, 2) / 10 … with total 7: 3.5, 2.1, 1.4 → floors 3, 2, 1 (6); one left → largest remainder a
    assert services.largest_remainder(7, {"a": 5, "b": 3, "c": 2}) == {"a": 4, "b": 2, "c": 1}
    # 1.4, 1.4, 0.2 → floors 1, 1, 0; one unit left → a tie on the remainder goes to the larger weight, then key
    assert services.largest_remainder(3, {"a": 7, "b": 7, "c": 1}) == {"a": 2, "b": 1, "c": 0}


@pytest.mark.parametrize("total", [1, 6000, 18000, 30000, 30001])
def test_largest_remainder_is_exact_for_flemish_totals(total):
    weights = {f"{i:05d}": 1000 + (i * 7919) % 97000 for i in range(285)}
    shares = services.largest_remainder(total, weights)
    assert sum(shares.values()) == total
    weight_sum = sum(weights.values())
    for key, share in shares.items():  # every share is the floor or the ceiling of its quota
        quota = total * weights[key] / weight_sum
        assert int(quota) <= share <= int(quota) + 1


@pytest.fixture
def population():
    figures = []
    for i, m in enumerate(Municipality.objects.order_by("pk")):
        total = 5000 + (i * 7919) % 90000
        figures.append(PopulationFigure(municipality=m, year=2024, men=total // 2, women=total - total // 2, total=total))
    PopulationFigure.objects.bulk_create(figures)


def test_round_spreads_the_total_over_the_285_municipalities(coordinator, population):
    round_ = services.target_round_create(actor=coordinator, total=30000, effective_on=dt.date(2022, 6, 15))
    rows = MunicipalityTarget.objects.filter(round=round_)
    assert rows.count() == 285
    assert sum(r.assigned for r in rows) == 30000 == sum(r.computed for r in rows)
    biggest = max(rows, key=lambda r: r.population)
    smallest = min(rows, key=lambda r: r.population)
    assert biggest.assigned > smallest.assigned


def test_override_keeps_the_sum_and_is_kept_in_the_next_round(coordinator, population):
    round_ = services.target_round_create(actor=coordinator, total=18000, effective_on=dt.date(2022, 4, 1))
    gent = MunicipalityTarget.objects.get(round=round_, municipality_id="44021")
    services.target_override_set(actor=coordinator, target=gent, value=gent.computed + 500, reason="nooddorp")
    rows = list(MunicipalityTarget.objects.filter(round=round_))
    assert sum(r.assigned for r in rows) == 18000
    assert next(r for r in rows if r.municipality_id == "44021").assigned == gent.computed + 500
    later = services.target_round_create(actor=coordinator, total=30000, effective_on=dt.date(2022, 6, 15))
    kept = MunicipalityTarget.objects.get(round=later, municipality_id="44021")
    assert kept.override == gent.computed + 500 and kept.override_reason == "nooddorp"
    assert sum(MunicipalityTarget.objects.filter(round=later).values_list("assigned", flat=True)) == 30000
    assert MunicipalityTarget.objects.filter(round=round_).count() == 285  # history kept


def test_overrides_larger_than_the_total_are_refused(coordinator, population):
    round_ = services.target_round_create(actor=coordinator, total=100, effective_on=dt.date(2022, 4, 1))
    target = MunicipalityTarget.objects.get(round=round_, municipality_id="44021")
    with pytest.raises(ValidationError):
        services.target_override_set(actor=coordinator, target=target, value=101)
    target.refresh_from_db()
    assert target.override is None


def test_only_the_coordinator_sets_targets(gent_officer, population):
    with pytest.raises(services.ScopeError):
        services.target_round_create(actor=gent_officer, total=100, effective_on=dt.date(2022, 4, 1))


def test_no_population_no_round(coordinator):
    with pytest.raises(ValidationError):
        services.target_round_create(actor=coordinator, total=100, effective_on=dt.date(2022, 4, 1))
