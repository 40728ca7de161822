# Cross-module cases: what `shop`'s other modules define decides every line here.
import functools

import shop.db
from shop import Repo as ReexportedRepo
from shop import get_order

from . import db
from .conditional import notify, send
from .db import CachedRepo, Repo, fetch_alias, fetch_order, stream_orders, sync_order
from .decorators import refresh_logged, refresh_now


async def handle(order_id, repo: Repo):
    fetch_order(order_id)  # error: ASY100
    get_order(order_id)  # error: ASY100
    shop.db.fetch_order(order_id)  # error: ASY100
    db.fetch_order(order_id)  # error: ASY100
    fetch_alias(order_id)  # error: ASY100
    sync_order(order_id)
    stream_orders()
    Repo().load("k")  # error: ASY100
    Repo().save("k")
    CachedRepo().load("k")  # error: ASY100
    ReexportedRepo().load("k")  # error: ASY100
    repo.load("k")  # error: ASY100
    repo.save("k")
    functools.partial(fetch_order, order_id)()  # error: ASY100
    refresh_now()
    refresh_logged()  # error: ASY100
    notify("hi")  # error: ASY100
    send("hi")
    await fetch_order(order_id)


class Worker:
    def __init__(self):
        self.repo = Repo()

    async def load(self, key):
        return key

    async def run(self):
        self.load("k")  # error: ASY100
        self.repo.load("k")  # error: ASY100


def sync_entry(order_id):
    fetch_order(order_id)  # error: ASY204
    get_order(order_id)  # error: ASY204
    sync_order(order_id)


class Spare:
    def __init__(self):
        self.backup = Repo()

    async def run(self):
        self.backup.load("k")  # rebound from outside the class below: unknown


def replace_backup(spare: Spare, replacement):
    spare.backup = replacement
