"""Who may open a view: one decorator, with the deny answer stated where it is used.

Every page view of the product is wrapped in :func:`access_required`. Its rule:

* not logged in → the login page (with ``?next=``), so a bookmark still works after login;
* logged in, but ``test(user)`` is false → the deny answer the view declares:
  ``Deny.FORBIDDEN`` (403) where the page's existence is no secret (HVT pages, licence reports,
  budget), ``Deny.NOT_FOUND`` (404) where existence itself must not be revealed (the CRT realm);
* an object outside the user's scope is a separate matter: selectors raise 404 for it (DOMAIN §1);
* ``verified=True``: the user passed the test but not the second factor in this session → the
  second-factor page (the CRT does not rely on the 2FA middleware's cached view of roles).

The test is a plain callable of the user, usually a selector of the app (``can_read``), so the
rule of who may do what lives with the app's other rules, not in the view.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


class Deny(enum.Enum):
    FORBIDDEN = 403
    NOT_FOUND = 404


def signed_in(user) -> bool:
    """The test of a page open to every signed-in user (the home page, the second factor): the
    decorator has already sent an anonymous visitor to the login page."""
    return True


def deny(answer: Deny):
    """Raise the declared deny answer (also for checks inside a view, after the decorator)."""
    if answer is Deny.NOT_FOUND:
        raise Http404
    raise PermissionDenied


def access_required(test: Callable[..., bool], *, deny_with: Deny, verified: bool = False):
    """Decorate a view: anonymous → login, ``test(user)`` false → ``deny_with``; see the module."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(user):
                deny(deny_with)
            if verified and not user.is_verified():
                return redirect(f"{reverse(settings.OTP_VERIFY_URL_NAME)}?next={quote(request.get_full_path())}")
            return view(request, *args, **kwargs)

        wrapper.access_deny = deny_with  # read by tests and the permission matrix docs
        return wrapper

    return decorator
