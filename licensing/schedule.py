"""The idle sweep's schedule is data, not code: migration 0003 creates the django-celery-beat
PeriodicTask "licensing: 40-day idle sweep" (weekly, Monday 06:00 Europe/Brussels), which
coordinators change in the admin (Periodieke taken). An entry here would be rewritten by the
DatabaseScheduler at every beat start and undo such a change."""

BEAT_SCHEDULE: dict = {}
