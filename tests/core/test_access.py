"""core.access: anonymous → login, refused → the declared deny answer, second factor where asked."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core.access import Deny, access_required


class _User:
    def __init__(self, *, authenticated=True, verified=True, allowed=True):
        self.is_authenticated = authenticated
        self._verified = verified
        self.allowed = allowed

    def is_verified(self):
        return self._verified


def _view(request):
    return HttpResponse("ok")


def _call(user, **kwargs):
    request = RequestFactory().get("/x/?a=1")
    request.user = user
    return access_required(lambda u: u.allowed, **kwargs)(_view)(request)


def test_anonymous_goes_to_login_with_next():
    response = _call(_User(authenticated=False), deny_with=Deny.NOT_FOUND)
    assert response.status_code == 302 and "next=/x/%3Fa%3D1" in response["Location"]


@pytest.mark.parametrize(("answer", "exc"), [(Deny.FORBIDDEN, PermissionDenied), (Deny.NOT_FOUND, Http404)])
def test_refused_user_gets_the_declared_answer(answer, exc):
    with pytest.raises(exc):
        _call(_User(allowed=False), deny_with=answer)


def test_permitted_user_reaches_the_view_and_unverified_is_sent_to_second_factor():
    assert _call(_User(), deny_with=Deny.FORBIDDEN).content == b"ok"
    response = _call(_User(verified=False), deny_with=Deny.NOT_FOUND, verified=True)
    assert response.status_code == 302 and response["Location"].startswith("/account/")
    # a refused unverified user learns nothing about the second factor: the deny answer comes first
    with pytest.raises(Http404):
        _call(_User(verified=False, allowed=False), deny_with=Deny.NOT_FOUND, verified=True)
