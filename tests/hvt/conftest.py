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

