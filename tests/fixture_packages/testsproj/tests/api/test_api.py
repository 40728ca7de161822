"""A test module without __init__.py: imports resolve as pytest makes them."""

from acmeapp.client import Client, connect  # a src layout, seen from tests/
from helpers import make_url, wait_ready  # tests/, the conftest.py folder
from tests.helpers import wait_ready as ready  # the rootdir
from vendored import ping, pong  # pytest's pythonpath option
from nowhere import fetch  # found in no root: unknown


async def test_get():
    wait_ready()  # error: ASY100
    ready()  # error: ASY100
    make_url("/")
    connect()  # error: ASY100
    Client().get("/")  # error: ASY100
    Client().close()
    ping()  # error: ASY100
    pong()
    fetch()
    await wait_ready()
