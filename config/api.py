"""The one API router under /api/v1/. Each app registers its viewsets in ``<app>/api/urls.py``
as ``ROUTES = [(prefix, viewset, basename)]``; collected here."""

from rest_framework.routers import DefaultRouter

from core.registry import app_modules


class NumericIdRouter(DefaultRouter):
    """Object ids are numbers: detail routes match ``<int:pk>`` (a viewset may declare another
    ``lookup_value_converter``), so ``/places/null,null/`` is a 404 before any view runs, and the
    schema documents the id as an integer. No ``.json`` suffix routes: one URL per resource."""

    include_format_suffixes = False

    def __init__(self):
        super().__init__(use_regex_path=False)
        self._default_value_pattern = "int"


router = NumericIdRouter()

for _app, _module in app_modules("api.urls"):
    if _app == "crt":  # the CRT realm exposes no API through the HVT router
        continue
    for _prefix, _viewset, _basename in _module.ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns = router.urls
