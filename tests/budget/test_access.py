"""Every budget page goes through core.access with the budget's documented deny answer (issue 13)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.access import Deny


def _page_views(namespace: str):
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == namespace:
            for view in pattern.url_patterns:
                assert isinstance(view, URLPattern)
                yield f"{namespace}:{view.name}", view.callback


BUDGET_VIEWS = list(_page_views("budget"))


def test_the_budget_namespace_has_pages():
    # Guards the parametrised test below against passing vacuously (a renamed namespace → no cases).
    assert len(BUDGET_VIEWS) >= 10 and "budget:overview" in dict(BUDGET_VIEWS)


@pytest.mark.parametrize(("name", "view"), BUDGET_VIEWS)
def test_every_budget_page_answers_403_to_whoever_lacks_its_role(name, view):
    """``core.access.access_required(..., deny_with=Deny.FORBIDDEN)``: a budget page's existence is no secret."""
    assert getattr(view, "access_deny", None) is Deny.FORBIDDEN, name
