from functools import wraps
from urllib.parse import quote

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from crt.realm import user_has_crt_role


def crt_role_required(*roles: str):
    """CRT pages answer 404 to anyone without a (matching) CRT role: existence is not revealed.

    A CRT role holder also needs a verified second factor here, whatever the 2FA middleware's
    (cached) view of their roles is: the CRT does not rely on another layer for that.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated or not user_has_crt_role(request.user, *roles):
                raise Http404
            if not request.user.is_verified():
                return redirect(f"{reverse('accounts:otp')}?next={quote(request.get_full_path())}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
