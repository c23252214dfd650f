"""The one API router under /api/v1/. Each app registers its viewsets in ``<app>/api/urls.py``
as ``ROUTES = [(prefix, viewset, basename)]``; collected here."""

from importlib import import_module

from django.conf import settings
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

for _app in settings.LOCAL_APPS:
    if _app == "crt":  # the CRT realm exposes no API through the HVT router
        continue
    try:
        _module = import_module(f"{_app}.api.urls")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{_app}.api", f"{_app}.api.urls"):
            raise
        continue
    for _prefix, _viewset, _basename in _module.ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns = router.urls
