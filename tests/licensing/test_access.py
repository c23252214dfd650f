"""Every licensing page goes through core.access with the licensing's documented deny answer (issue 13)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.access import Deny


def _page_views(namespace: str):
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == namespace:
            for view in pattern.url_patterns:
                assert isinstance(view, URLPattern)
                yield f"{namespace}:{view.name}", view.callback


LICENSING_VIEWS = list(_page_views("licensing"))


def test_the_licensing_namespace_has_pages():
    # Guards the parametrised test below against passing vacuously (a renamed namespace → no cases).
    assert len(LICENSING_VIEWS) >= 5 and "licensing:overview" in dict(LICENSING_VIEWS)


@pytest.mark.parametrize(("name", "view"), LICENSING_VIEWS)
def test_every_licensing_page_answers_403_to_whoever_lacks_its_role(name, view):
    """``core.access.access_required(..., deny_with=Deny.FORBIDDEN)``: a licence page's existence is no secret."""
    assert getattr(view, "access_deny", None) is Deny.FORBIDDEN, name
