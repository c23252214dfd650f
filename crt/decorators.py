from functools import wraps

from django.http import Http404

from crt.realm import user_has_crt_role


def crt_role_required(*roles: str):
    """CRT pages answer 404 to anyone without a (matching) CRT role: existence is not revealed."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated or not user_has_crt_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
