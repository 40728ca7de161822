import pytest


@pytest.fixture
def anything():
    return 1
