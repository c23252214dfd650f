"""The bench gunicorn's URL configuration: the product's (config.urls) plus the framework's floor.

Only ``benchmarks.settings`` uses it (ROOT_URLCONF), so the floor view never appears in the
product's URL configuration, which the permission matrix walks.
"""

from django.http import HttpResponse
from django.urls import path

from config import urls as product

FLOOR_PATH = "/bench/floor/"
FLOOR_BODY = b"floor"


def floor(request):
    """The floor of a Django request on this stack: the whole middleware chain, no query of its
    own, no template. What a page costs beyond this is the page's own work."""
    return HttpResponse(FLOOR_BODY, content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"), *product.urlpatterns]

handler400 = product.handler400
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
