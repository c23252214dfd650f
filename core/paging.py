"""Paging of long lists, one way everywhere: ``?pagina=`` (page number) and ``?per=`` (page size,
one of PAGE_SIZES), with the page numbers shown (first, last and the ones around the current page)
and every other query parameter (the filters) kept in the links. Template:
``{% include "core/_pagination.html" %}`` with the ``paging`` context of ``paginate``."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZES = (25, 50, 100, 200)
PAGE_PARAM = "pagina"
SIZE_PARAM = "per"


def page_size(request, default: int = 50) -> int:
    try:
        size = int(request.GET.get(SIZE_PARAM, default))
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


def paginate(request, object_list, *, default_size: int = 50) -> dict:
    """The page of ``object_list`` the request asks for, and what the pager template needs."""
    size = page_size(request, default_size)
    paginator = Paginator(object_list, size)
    page = paginator.get_page(request.GET.get(PAGE_PARAM))
    keep = request.GET.copy()
    keep.pop(PAGE_PARAM, None)
    keep.pop(SIZE_PARAM, None)
    return {
        "page": page,
        "numbers": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "ellipsis": Paginator.ELLIPSIS,
        "size": size,
        "sizes": PAGE_SIZES,
        "filters": keep.urlencode(),
        "filter_items": [(key, value) for key in keep for value in keep.getlist(key)],
    }
