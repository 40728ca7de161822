# Fixtures the tests of this folder and of api/ receive, read (never imported) from their parameters' names.
from functools import partial
from typing import AsyncIterator, Iterator

import pytest


class Client:
    async def get(self, url):
        pass

    def close(self):
        pass


class Session:
    async def commit(self):
        pass


class Reporter:
    async def send(self, report):
        pass


def open_client():
    return Client()


@pytest.fixture
async def client():
    c = Client()
    yield c


@pytest.fixture
def sync_client() -> Iterator[Client]:
    yield Client()


@pytest.fixture
async def session() -> AsyncIterator[Session]:
    yield Session()


@pytest.fixture(name="client_factory")
def make_client_factory():
    return partial(Client)


@pytest.fixture
def overridden():
    return Session()


@pytest.fixture(params=[1, 2])
def parametrized(request):
    return request.param


@pytest.fixture
def depends(client):
    return client


@pytest.fixture
def reporter():
    return Reporter()


@pytest.fixture
def reporting(reporter):
    # Nothing else under this folder defines or parametrizes `reporter`: it is this one.
    return reporter
