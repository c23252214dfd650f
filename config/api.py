"""The one API router under /api/v1/. Each app registers its viewsets in ``<app>/api/urls.py``
as ``ROUTES = [(prefix, viewset, basename)]``; collected here."""

from rest_framework.routers import DefaultRouter

from core.registry import app_modules

router = DefaultRouter()

for _app, _module in app_modules("api.urls"):
    if _app == "crt":  # the CRT realm exposes no API through the HVT router
        continue
    for _prefix, _viewset, _basename in _module.ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns = router.urls
