"""Paging of long lists, one way everywhere: ``?pagina=`` (page number) and ``?per=`` (page size,
one of PAGE_SIZES), with the page numbers shown (first, last and the ones around the current page)
and every other query parameter (the filters) kept in the links. Template:
``{% include "core/_pagination.html" %}`` with the ``paging`` context of ``paginate``.

Two lists on one page each take their own parameters (``page_param``/``size_param``); each list's
links keep the other's, so paging one list leaves the other where it was."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZES = (25, 50, 100, 200)
PAGE_PARAM = "pagina"
SIZE_PARAM = "per"


def page_size(request, default: int = 50, size_param: str = SIZE_PARAM) -> int:
    try:
        size = int(request.GET.get(size_param, default))
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


def paginate(request, object_list, *, default_size: int = 50, page_param: str = PAGE_PARAM,
             size_param: str = SIZE_PARAM) -> dict:
    """The page of ``object_list`` the request asks for, and what the pager template needs."""
    size = page_size(request, default_size, size_param)
    paginator = Paginator(object_list, size)
    page = paginator.get_page(request.GET.get(page_param))
    keep = request.GET.copy()
    keep.pop(page_param, None)
    keep.pop(size_param, None)
    return {
        "page": page,
        "numbers": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "ellipsis": Paginator.ELLIPSIS,
        "size": size,
        "sizes": PAGE_SIZES,
        "page_param": page_param,
        "size_param": size_param,
        "filters": keep.urlencode(),
        "filter_items": [(key, value) for key in keep for value in keep.getlist(key)],
    }
