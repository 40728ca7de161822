# A second plugin module registering a fixture name the first one registers too.
import pytest


class PluginOther:
    def query(self, sql):
        return sql


@pytest.fixture
def twice_registered():
    return PluginOther()
