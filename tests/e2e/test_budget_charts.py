"""Browser: the coordinator opens the budget; its charts per tool are drawn by the product's one
chart script (static/js/charts.js) like every report chart: pointing at a post shows every year's
amount of that post at once, in the one euro format, and the years differ by fill pattern too.
(Before, static/budget/budget_chart.js drew its own copy: one year per tooltip.)"""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.constants import Roles
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, databases=["default", "crt"])]


def test_budget_chart_tooltip_shows_every_year_of_a_post(page, browser_login):
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice

    importlib.import_module("budget.migrations.0002_note_budget").load(apps, None)  # flushed by live_server
    coordinator = make_user(Roles.HVT_COORDINATOR, username="budget-grafiek-e2e", is_staff=True)
    TOTPDevice.objects.create(user=coordinator, name="app", key=settings.DEMO_TOTP_HEX_KEY, confirmed=True)
    browser_login(coordinator.username, TEST_PASSWORD, totp_key_hex=settings.DEMO_TOTP_HEX_KEY)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget per tool en jaar")
    canvas = page.locator("canvas#budget-chart-hvt")
    page.wait_for_function("() => window.Chart && window.Chart.getChart(document.getElementById('budget-chart-hvt'))")
    years = page.evaluate("""() => { const c = window.Chart.getChart(document.getElementById('budget-chart-hvt'));
        return c.data.datasets.map(d => [d.label, d.backgroundColor instanceof CanvasPattern]); }""")
    assert len(years) >= 2 and all(is_pattern for _label, is_pattern in years), years
    # point at the first post with an amount in the last year
    point = page.evaluate("""() => { const c = window.Chart.getChart(document.getElementById('budget-chart-hvt'));
        const last = c.data.datasets.length - 1;
        const i = c.data.datasets[last].data.findIndex(v => v !== null);
        const bar = c.getDatasetMeta(last).data[i];
        return {x: bar.x, y: (bar.y + bar.base) / 2, i: i}; }""")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function("""() => window.Chart.getChart(document.getElementById('budget-chart-hvt'))
        .tooltip.getActiveElements().length > 0""")
    lines = page.evaluate("""() => window.Chart.getChart(document.getElementById('budget-chart-hvt'))
        .tooltip.body.map(b => b.lines.join(' '))""")
    assert [line.split(":")[0] for line in lines] == [label for label, _ in years], lines  # every year, not one
    assert "2024: €\u00a0353.700,00" in lines, lines  # the one euro format; a year without the post shows —
