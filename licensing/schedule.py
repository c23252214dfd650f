"""The licensing jobs' schedules are data, not code: migration 0003 creates the django-celery-beat
PeriodicTask "licensing: 40-day idle sweep" (weekly, Monday 06:00 Europe/Brussels) and migration
0005 "licensing: idle warnings" (daily, 07:00 Europe/Brussels), which coordinators change in the
admin (Periodieke taken). An entry here would be rewritten by the DatabaseScheduler at every beat
start and undo such a change.

The sweep does not depend on the warnings: 40 idle days deactivate a user whether or not the
warning went out (the warning is a courtesy; daily, so that a user passing 33 days between two
weekly sweeps is still warned a week ahead when both jobs run)."""

BEAT_SCHEDULE: dict = {}
