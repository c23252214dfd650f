from rest_framework.authentication import TokenAuthentication

from accounts.services import activity_touch


class ActivityTokenAuthentication(TokenAuthentication):
    """Token authentication that counts an API call as activity (the licence sweep's input)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        activity_touch(user=user)
        return user, token
