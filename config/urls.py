from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from crt.admin import crt_admin_site

admin.site.site_header = _("HVT – beheer")
admin.site.site_title = _("HVT-beheer")
admin.site.index_title = _("Huisvestingstool Vlaanderen")

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True), name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("accounts.urls")),
    path("beheer/", admin.site.urls),
    path("crt/beheer/", crt_admin_site.urls),
    path("crt/", include("crt.urls")),
    path("hvt/", include("hvt.urls")),
    path("licenties/", include("licensing.urls")),
    path("budget/", include("budget.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("config.api")),
    path("", include("core.urls")),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
