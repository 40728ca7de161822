# A test module naming a plugin module that cannot be read: that module may register any fixture name.
pytest_plugins = ["not_a_module_anywhere"]


async def test_database_maybe_overridden(plugin_database):
    plugin_database.query("select 1")  # the unread plugin may register plugin_database too
