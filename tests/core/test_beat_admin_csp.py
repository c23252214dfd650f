"""django-celery-beat's periodic-task form without inline script (issue 12 item 8): the project's
template override loads the crontab helper from a static file, so the strict CSP logs nothing."""

import re

import pytest
from django.contrib.staticfiles import finders

from accounts.constants import Roles

pytestmark = pytest.mark.django_db(databases=["default", "crt"])  # admin pages render the navigation

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


@pytest.mark.parametrize("url", ["/beheer/django_celery_beat/periodictask/add/"])
def test_the_periodic_task_form_has_no_inline_script(url, login, make_user):
    client = login(make_user(Roles.SUPPORT, is_staff=True, is_superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    scripts = SCRIPT.findall(body)
    inline = [(attrs, text.strip()[:80]) for attrs, text in scripts
              if "src=" not in attrs and 'type="application/json"' not in attrs]
    assert inline == []
    # The override is the one rendered (the package's would carry id="periodic-task-overrides").
    assert "core/periodic_task_form.js" in body and "periodic-task-overrides" not in body
    assert 'id="readable-crontabs"' in body  # the data the static script reads
    assert finders.find("core/periodic_task_form.js")


def test_the_schedules_are_in_words_in_dutch_and_in_english(login, make_user):
    """The package describes a crontab in the server's locale (English, "At 02:00 AM"); the
    coordinators' back-office says it in Dutch, and in English for who chose English."""
    from django.utils import translation
    from django_celery_beat.models import CrontabSchedule

    from core.beat_admin import crontab_in_words

    crontab = CrontabSchedule.objects.create(minute="0", hour="2", timezone="Europe/Brussels")
    client = login(make_user(Roles.SUPPORT, is_staff=True, is_superuser=True))
    body = client.get("/beheer/django_celery_beat/periodictask/add/").content.decode()
    assert "Om 02:00 (Europe/Brussels)" in body and "At 02:00 AM" not in body  # the data the script shows
    listing = client.get("/beheer/django_celery_beat/crontabschedule/").content.decode()
    assert "Schema in woorden" in listing and "Om 02:00" in listing
    with translation.override("en"):
        assert crontab_in_words(crontab) == "At 02:00 (Europe/Brussels)"
