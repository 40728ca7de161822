# Re-exports: users import the package, the definitions live in submodules.
from .db import fetch_order as get_order
from .db import Repo
