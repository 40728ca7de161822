# A package's __init__ gathers re-exports: read even from a file with no async word.
from syncproj.client import fetch_all

__all__ = ["fetch_all"]
