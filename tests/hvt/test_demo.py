import io

import pytest
from django.db.models import Count

from hvt import demo
from hvt.models import Allocation, ReceptionPlace
from hvt.services import peak_beds

pytestmark = pytest.mark.django_db


def test_small_demo_covers_every_municipality_and_category_without_overbooking(frozen_now):
    import datetime as dt

    frozen_now(dt.datetime(2025, 3, 1, 12, 0))
    out = io.StringIO()
    demo.seed(out, small=True)
    places = ReceptionPlace.objects.filter(is_demo=True)
    assert places.values("municipality").distinct().count() == 285
    assert set(places.values_list("category", flat=True)) == {"1_public", "1_private", "2", "3"}
    assert 285 <= places.count() <= 1500
    assert Allocation.objects.filter(is_demo=True).exists()
    for place in places.annotate(n=Count("allocations")).filter(n__gt=0)[:100]:
        assert peak_beds(place_id=place.pk, start=place.start_date, end=None) <= place.capacity
        assert not place.allocations.filter(start_date__lt=place.start_date).exists()
    demo.seed(out, small=True)  # idempotent: replaced, not doubled
    assert ReceptionPlace.objects.filter(is_demo=True).count() == places.count()
