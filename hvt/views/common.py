"""What the HVT pages share: who may open them and the page size.

Deny answer: ``Deny.FORBIDDEN`` (403) for a role the user does not hold — an HVT page's existence is
no secret; anonymous users go to the login page (``core.access``). Objects outside the user's scope
answer 404 from the selectors, as everywhere."""

from __future__ import annotations

from accounts.selectors import user_has_role
from core.access import Deny, access_required

PAGE_SIZE = 50
DENY = Deny.FORBIDDEN


def role_required(*roles):
    """``core.access.access_required`` with the HVT's deny answer: the user holds one of ``roles``."""
    return access_required(lambda user: user_has_role(user, *roles), deny_with=DENY)
