import pytest

from accounts.constants import Roles
from tests.hvt.helpers import GENT, HASSELT


@pytest.fixture
def gent_officer(make_user):
    return make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-gent", municipalities=[GENT])


@pytest.fixture
def hasselt_officer(make_user):
    return make_user(Roles.HVT_MUNICIPAL_LIMITED, username="officer-hasselt", municipalities=[HASSELT])


@pytest.fixture
def coordinator(make_user):
    return make_user(Roles.HVT_COORDINATOR, username="coordinator", is_staff=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush of every table, reference data included; put the
    reference data and role groups back so that the tests after it find them."""
    yield
    marker = item.get_closest_marker("django_db")
    if nextitem is None or marker is None or not marker.kwargs.get("transaction"):
        return
    from pytest_django.plugin import blocking_manager_key

    from accounts.roles import roles_sync
    from geo.services import reference_data_load

    with item.config.stash[blocking_manager_key].unblock():
        reference_data_load()
        roles_sync()
