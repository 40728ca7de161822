# A plugin module of the project: the conftest names it in `pytest_plugins`.
import pytest


class PluginDatabase:
    async def query(self, sql):
        pass

    def dialect(self):
        return "sqlite"


@pytest.fixture
async def plugin_database():
    yield PluginDatabase()


@pytest.fixture
def twice_registered():
    return PluginDatabase()
