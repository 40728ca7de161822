# pytest registers the fixtures of these plugin modules for every test below.
pytest_plugins = ["fixtureplugins.database", "fixtureplugins.again", "pytester"]
