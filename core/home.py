"""The start page's cards. Each app contributes through ``<app>/home.py``:
``def cards(user) -> list[dict(title=, value=, detail=, url_name=, args=(), query={}, icon=, order=)]``
returning only what the user's roles allow, each number read in the user's scope with a fixed
number of queries. An app without ``home.py`` contributes nothing (same pattern as navigation)."""

from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from core.registry import app_modules


@cache
def _load_providers():
    # core.home (this module) is the collector, not a provider: it has no ``cards``.
    return [module.cards for _app, module in app_modules("home") if hasattr(module, "cards")]


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
