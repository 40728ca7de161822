"""Read in outline by shop.uses_factories: what calling or awaiting these functions gives."""
from typing import Optional

from .db import Repo


class Session:
    async def commit(self):
        pass


def make_repo() -> Repo:
    return Repo()


def plain_repo(key):
    # Unannotated: the value of its return statement, a call of a module name.
    if key:
        return Repo()
    return None


def local_repo():
    # Returns a call of a name bound in its own body: not kept in outline, not known.
    Repo = Session
    return Repo()


def described_repo():
    # A return value other than a call: not kept in outline, not known.
    repo = Repo()
    return repo


async def open_session() -> Optional[Session]:
    return Session()


async def plain_session(name):
    return await open_session()


def mixed(flag):
    if flag:
        return Repo()
    return flag


class Factory:
    def repo(self) -> Repo:
        return Repo()

    def unannotated(self):
        # Reached through an instance that may be a subclass's, an override may replace it: RecordingFactory's.
        return Repo()

    def built(self):
        # No class of the project below Factory defines `built`: judged by this body.
        return Repo()


class RecordingRepo:
    def load(self, key):
        return key


class RecordingFactory(Factory):
    def unannotated(self):
        return RecordingRepo()


class Holder:
    # A class-level annotation is kept in outline: it says what instances hold.
    repo: Repo

    def __init__(self):
        # Its body is cut in outline, this store's value kept: a chain of calls of module names.
        self.session = Session()
