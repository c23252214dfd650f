"""Every budget and licensing page goes through core.access with the documented deny answer
(issue 13): 403, a page's existence is no secret (hvt: tests/hvt/test_structure.py; CRT answers 404)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.access import Deny

# namespace → (a page it must have, the fewest pages it has): guards the parametrised test below
# against passing vacuously (a renamed namespace → no cases).
NAMESPACES = {"budget": ("budget:overview", 10), "licensing": ("licensing:overview", 5)}


def _page_views(namespace: str):
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == namespace:
            for view in pattern.url_patterns:
                assert isinstance(view, URLPattern)
                yield f"{namespace}:{view.name}", view.callback


PAGE_VIEWS = [item for namespace in NAMESPACES for item in _page_views(namespace)]


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
def test_the_namespace_has_pages(namespace):
    must_have, at_least = NAMESPACES[namespace]
    names = {name for name, _view in PAGE_VIEWS if name.startswith(f"{namespace}:")}
    assert len(names) >= at_least and must_have in names


@pytest.mark.parametrize(("name", "view"), PAGE_VIEWS)
def test_every_page_answers_403_to_whoever_lacks_its_role(name, view):
    """``core.access.access_required(..., deny_with=Deny.FORBIDDEN)``."""
    assert getattr(view, "access_deny", None) is Deny.FORBIDDEN, name
