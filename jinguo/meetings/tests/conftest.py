import pytest

from jinguo.people.models import Person


@pytest.fixture
def execs(people) -> list[Person]:
    """Two Songhe executives (from the root cast)."""
    return [people.wushan_exec, people.chengjiawan_exec]
