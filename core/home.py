"""The start page's cards. Each app contributes through ``<app>/home.py``:
``def cards(user) -> list[dict(title=, value=, detail=, url_name=, args=(), query={}, icon=, order=)]``
returning only what the user's roles allow, each number read in the user's scope with a fixed
number of queries. An app without ``home.py`` contributes nothing (same pattern as navigation)."""

from importlib import import_module

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

_providers = None


def _load_providers():
    global _providers
    if _providers is None:
        found = []
        for app in settings.LOCAL_APPS:
            try:
                module = import_module(f"{app}.home")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.home":
                    raise
                continue
            provider = getattr(module, "cards", None)
            if provider is not None:  # core.home (this module) is the collector, not a provider
                found.append(provider)
        _providers = found
    return _providers


def home_cards(user) -> list[dict]:
    """All cards for ``user``, sorted by ``order``, each with its resolved ``url`` (or "" when the
    card links nowhere)."""
    if user is None or not user.is_authenticated:
        return []
    out = []
    for provider in _load_providers():
        for card in provider(user):
            url = ""
            if card.get("url_name"):
                try:
                    url = reverse(card["url_name"], args=card.get("args", ()))
                except NoReverseMatch:
                    url = ""
                if url and card.get("query"):
                    url = f"{url}?{urlencode(card['query'])}"
            out.append({**card, "url": url})
    out.sort(key=lambda c: (c.get("order", 100), str(c["title"])))
    return out
