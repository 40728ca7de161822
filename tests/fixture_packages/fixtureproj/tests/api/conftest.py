# Nearer to api/'s tests than ../conftest.py: its fixtures win.
import pytest


class Admin:
    async def ban(self, user):
        pass


def make_admin():
    return Admin()


@pytest.fixture
def overridden():
    return Admin()


@pytest.fixture
def opened():
    return make_admin()


@pytest.fixture
def client(client):
    # Requests the fixture it overrides: what the parent gives is not followed.
    return client
