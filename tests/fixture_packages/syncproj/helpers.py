# No async word here, and no import of an async library: read from a file with no async word
# because it is small (re-export modules are), as a package's __init__ is.
from syncproj.client import fetch_all as fetch_everything
from syncproj.client import stream as rows

__all__ = ["fetch_everything", "rows"]
