# Test parameters bound to the fixtures of ../conftest.py and ./conftest.py (the nearest wins).
import pytest


@pytest.fixture
def local(session):
    return session


async def test_fixtures(sync_client, session, client_factory, overridden, opened, local, depends, reporting):
    sync_client.get("/")  # error: ASY100
    sync_client.close()
    session.commit()  # error: ASY100
    client_factory().get("/")  # error: ASY100
    overridden.ban("u")  # error: ASY100
    opened.ban("u")  # error: ASY100
    # Fixtures' own parameters are bound where each test asks: `session` is parametrized for one
    # test of this folder, `client` overridden in api/conftest.py, so neither is followed.
    local.commit()
    depends.get("/")
    reporting.send("r")  # error: ASY100


async def test_unknown(client, parametrized, unknown_plugin_fixture):
    # `client` here is api/conftest.py's, which asks for the one it overrides.
    client.get("/")
    parametrized.get("/")
    unknown_plugin_fixture.get("/")


@pytest.mark.parametrize("session", [None])
async def test_parametrized(session):
    session.commit()


class TestGrouped:
    async def test_method(self, session):
        session.commit()  # error: ASY100


async def helper(session):
    # Not a test: pytest does not call it, so nothing binds its parameters.
    session.commit()
