# A file with no async word of its own: other modules are read only if they may hold something
# async (an async word, an awaitable's typing name, an async library imported; a package
# __init__ or a small module, where re-exports gather). A large one with none of these is not.
from syncproj import fetch_all
from syncproj.client import stream
from syncproj.helpers import fetch_everything, rows
from syncproj.wrappers import make_lock


def main():
    fetch_all()  # error: ASY204
    for row in stream():  # error: ASY301
        print(row)
    with make_lock():  # error: ASY302
        pass
    fetch_everything()  # error: ASY204
    for row in rows():  # error: ASY301
        print(row)
