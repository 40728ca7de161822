# Fixtures from the modules the conftest names in `pytest_plugins`.


async def test_plugin_database(plugin_database):
    plugin_database.query("select 1")  # error: ASY100
    plugin_database.dialect()
    await plugin_database.query("select 1")


async def test_registered_by_two_plugins(twice_registered):
    twice_registered.query("select 1")  # which plugin's fixture wins is not followed


async def test_pytester(pytester):
    pytester.makepyfile("")
