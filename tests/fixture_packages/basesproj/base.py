# Read in outline from test_queries.py: the stores' chains are kept, evaluated on the instance asked about.
import unittest


class Database:
    async def drop(self):
        return None

    def name(self):
        return "main"


class Client:
    def __init__(self):
        self.main = Database()

    async def close(self):
        return None


class SyncClient:
    def close(self):
        return None


class ClientTestCase(unittest.TestCase):
    def setUp(self):
        self.client = self.make_client()
        self.db = self.client.main
        self.db_name = self.db.name()

    def make_client(self):
        return Client()

    def tearDown(self):
        self.client = None
