"""Role-aware navigation. Each app contributes entries through ``<app>/navigation.py``:
``def items(user) -> list[dict(label, url_name, icon)]`` returning only what the user may use."""

from functools import cache

from django.urls import NoReverseMatch, reverse

from core.registry import app_modules


@cache
def _load_providers():
    return [module.items for _app, module in app_modules("navigation")]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if hasattr(user, "is_verified") and not user.is_verified():
        from accounts.two_factor import requires_two_factor

        if requires_two_factor(user):
            return {"nav_items": []}
    items = []
    for provider in _load_providers():
        for item in provider(user):
            try:
                url = reverse(item["url_name"], args=item.get("args", ()))
            except NoReverseMatch:
                continue
            items.append({**item, "url": url, "active": request.path.startswith(url) and url != "/"})
    items.sort(key=lambda item: item.get("order", 50))
    return {"nav_items": items}
