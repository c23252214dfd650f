"""django-celery-beat's schedules in words, in the user's language.

The package describes a crontab with cron-descriptor in the server's locale (English: "At 02:00
AM"); cron-descriptor ships its own Dutch catalogue, so these admin classes ask for the active
language instead. Registered from ``core.admin`` (the package's admin is imported first:
INSTALLED_APPS lists third-party apps before ours)."""

from __future__ import annotations

from cron_descriptor import Options, get_description
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

LOCALES = {"nl": "nl_NL", "en": "en_US"}


def crontab_in_words(crontab: CrontabSchedule) -> str:
    """The schedule in words in the active language, 24-hour clock, with its time zone."""
    options = Options()
    options.locale_code = LOCALES.get((get_language() or "nl")[:2], "nl_NL")
    options.use_24hour_time_format = True
    expression = " ".join([crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year,
                           crontab.day_of_week])
    try:
        words = get_description(expression, options)
    except Exception:  # noqa: BLE001 – an expression cron-descriptor cannot read: the package's own words
        return crontab.human_readable
    return f"{words} ({crontab.timezone})"


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    @admin.display(description=_("Schema in woorden"))
    def crontab_translation(self, obj):
        return crontab_in_words(obj.crontab) if obj.crontab_id else ""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The package's changeform_view puts its English words in the context; ours replace them.
        words = {c.pk: crontab_in_words(c) for c in CrontabSchedule.objects.all()}
        context = {**(extra_context or {}), "readable_crontabs": words}
        return admin.ModelAdmin.changeform_view(self, request, object_id, form_url, context)


class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    list_display = ("__str__", "in_words")
    fields = ("in_words", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("in_words",)

    @admin.display(description=_("Schema in woorden"))
    def in_words(self, obj):
        return crontab_in_words(obj) if obj.pk else ""


for model, model_admin in ((PeriodicTask, PeriodicTaskAdmin), (CrontabSchedule, CrontabScheduleAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
