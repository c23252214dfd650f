"""The authenticator being enrolled is made by a service (accounts.services), not by the view."""

import pytest
from django.urls import resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import otp_enrolment_device
from core.access import Deny

pytestmark = pytest.mark.django_db


def test_a_fresh_secret_the_first_time_then_the_same_device(make_user):
    user = make_user()
    old = TOTPDevice.objects.create(user=user, name="old", confirmed=False)
    device = otp_enrolment_device(user=user)
    assert device.pk != old.pk and not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert otp_enrolment_device(user=user, device_id=device.pk).pk == device.pk


def test_another_users_device_is_never_handed_out(make_user):
    owner, other = make_user(), make_user()
    foreign = otp_enrolment_device(user=owner)
    mine = otp_enrolment_device(user=other, device_id=foreign.pk)
    assert mine.user_id == other.pk and TOTPDevice.objects.filter(pk=foreign.pk, user=owner).exists()


def test_signed_in_pages_use_core_access():
    for name in ("core:home", "accounts:otp"):
        assert getattr(resolve(reverse(name)).func, "access_deny", None) is Deny.FORBIDDEN, name
