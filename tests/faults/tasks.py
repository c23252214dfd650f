from celery import shared_task


@shared_task(name="tests.faults.probe")
def probe(code: str) -> str:
    return code
