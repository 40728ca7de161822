# The base's own base comes from a library that is not installed (as tornado's AsyncTestCase
# where tornado is not): taken to store no instance attribute, as type checkers take it.
from not_installed_testing_library import testing

from unreadablebases.client import Client


class ServiceTest(testing.AsyncTestCase):
    def setUp(self):
        super().setUp()
        self.client = Client()
        self.name = self.make_name()
