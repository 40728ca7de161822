"""What the plugin knows of well-known async libraries without importing them.

Used when the library is not importable in the lint environment (pre-commit
runs flake8 in an isolated one), and as the cheap first answer when it is.
Names are the public, documented spelling; `X()` types are written as the
class name, so `asyncio.Lock.acquire` is the method of an `asyncio.Lock()`.

Two sources: the hand-written tables below (the standard library's sync
side, factories CPython implements in C, what the rules need beyond kinds)
and generated_apis, written by scripts/generate_api_tables.py from each
library's source. The generated entries are merged in at the end of this
module; where both name a thing, the hand-written entry wins.
"""

from __future__ import annotations

import sys

from flake8_async_tips import generated_apis

# Calling these creates a coroutine: discarding it means the body never runs.
AIOFILES_FILE_COROUTINES = (
    "read", "readline", "readlines", "write", "writelines", "flush", "close", "seek", "tell", "truncate",
)

COROUTINE_FUNCTIONS = frozenset(
    {
        # asyncio functions
        "asyncio.sleep",
        "asyncio.wait_for",
        "asyncio.wait",
        "asyncio.to_thread",
        "asyncio.open_connection",
        "asyncio.open_unix_connection",
        "asyncio.start_server",
        "asyncio.start_unix_server",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        # asyncio methods
        "asyncio.Lock.acquire",
        "asyncio.Semaphore.acquire",
        "asyncio.BoundedSemaphore.acquire",
        "asyncio.Event.wait",
        "asyncio.Condition.acquire",
        "asyncio.Condition.wait",
        "asyncio.Condition.wait_for",
        "asyncio.Barrier.wait",
        "asyncio.Queue.get",
        "asyncio.Queue.put",
        "asyncio.Queue.join",
        "asyncio.PriorityQueue.get",
        "asyncio.PriorityQueue.put",
        "asyncio.LifoQueue.get",
        "asyncio.LifoQueue.put",
        "asyncio.AbstractEventLoop.shutdown_asyncgens",
        "asyncio.AbstractEventLoop.shutdown_default_executor",
        "asyncio.AbstractEventLoop.create_connection",
        "asyncio.AbstractEventLoop.create_server",
        "asyncio.AbstractEventLoop.getaddrinfo",
        "asyncio.AbstractEventLoop.sock_recv",
        "asyncio.AbstractEventLoop.sock_sendall",
        "asyncio.AbstractEventLoop.sock_connect",
        "asyncio.AbstractEventLoop.sock_accept",
        # trio
        "trio.sleep",
        "trio.sleep_forever",
        "trio.sleep_until",
        "trio.open_tcp_stream",
        "trio.open_file",
        "trio.serve_tcp",
        "trio.run_process",
        "trio.to_thread.run_sync",
        "trio.lowlevel.checkpoint",
        "trio.Event.wait",
        "trio.Lock.acquire",
        "trio.Semaphore.acquire",
        # anyio
        "anyio.sleep",
        "anyio.sleep_forever",
        "anyio.sleep_until",
        "anyio.open_file",
        "anyio.connect_tcp",
        "anyio.run_process",
        "anyio.to_thread.run_sync",
        "anyio.Event.wait",
        "anyio.Lock.acquire",
        # httpx
        "httpx.AsyncClient.get",
        "httpx.AsyncClient.post",
        "httpx.AsyncClient.put",
        "httpx.AsyncClient.patch",
        "httpx.AsyncClient.delete",
        "httpx.AsyncClient.head",
        "httpx.AsyncClient.options",
        "httpx.AsyncClient.request",
        "httpx.AsyncClient.send",
        "httpx.AsyncClient.aclose",
        # asyncpg (create_pool is a plain function returning a Pool, which is awaited or entered:
        # the generated table has it as a factory of asyncpg.Pool)
        "asyncpg.connect",
        # aiohttp
        "aiohttp.ClientSession.close",
        "aiohttp.ClientResponse.read",
        "aiohttp.ClientResponse.text",
        "aiohttp.ClientResponse.json",
        # aiofiles (aiofiles.open returns an awaitable context manager, not a coroutine)
        "aiofiles.os.remove",
        "aiofiles.os.rename",
        "aiofiles.os.replace",
        "aiofiles.os.stat",
        "aiofiles.os.makedirs",
        "aiofiles.os.mkdir",
        "aiofiles.os.unlink",
        "aiofiles.os.rmdir",
        # The file object `aiofiles.open()` gives (text and binary modes alike).
        *(f"aiofiles.open().{method}" for method in AIOFILES_FILE_COROUTINES),
        # aiofile
        "aiofile.AIOFile.open",
        "aiofile.AIOFile.close",
        "aiofile.AIOFile.read",
        "aiofile.AIOFile.write",
        "aiofile.AIOFile.fsync",
        # redis.asyncio
        "redis.asyncio.Redis.get",
        "redis.asyncio.Redis.set",
        "redis.asyncio.Redis.delete",
        "redis.asyncio.Redis.aclose",
    }
)

# Calling these returns an instance of the named class (a class's own name
# maps to itself and need not be listed when it is in CLASSES).
RETURNS_INSTANCE_OF = {
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    # uvloop's Loop derives from asyncio.AbstractEventLoop (`loop.run_until_complete(coro)` as asyncio's).
    "uvloop.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.create_task": "asyncio.Task",
    "asyncio.ensure_future": "asyncio.Future",
    "asyncio.AbstractEventLoop.create_task": "asyncio.Task",
    "asyncio.AbstractEventLoop.create_future": "asyncio.Future",
    "asyncio.TaskGroup.create_task": "asyncio.Task",
}

# Classes whose instances the rules care about.
CLASSES = frozenset(
    {
        "asyncio.Lock",
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.Event",
        "asyncio.Condition",
        "asyncio.Barrier",
        "asyncio.Queue",
        "asyncio.PriorityQueue",
        "asyncio.LifoQueue",
        "asyncio.TaskGroup",
        "asyncio.Runner",
        "asyncio.Task",
        "asyncio.Future",
        "trio.Event",
        "trio.Lock",
        "trio.Semaphore",
        "anyio.Event",
        "anyio.Lock",
        "httpx.AsyncClient",
        "aiohttp.ClientSession",
        "aiofile.AIOFile",
        "redis.asyncio.Redis",
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.ProcessPoolExecutor",
        "threading.Thread",
    }
)

# Aliases the documentation uses interchangeably.
CLASS_ALIASES = {
    "asyncio.tasks.Task": "asyncio.Task",
    "asyncio.futures.Future": "asyncio.Future",
    "asyncio.events.AbstractEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.locks.Lock": "asyncio.Lock",
    "asyncio.queues.Queue": "asyncio.Queue",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession",
    "aiohttp.client_reqrep.ClientResponse": "aiohttp.ClientResponse",
    "aiofile.aio.AIOFile": "aiofile.AIOFile",
}

# aiohttp's methods named by HTTP verb: the client session's requests, the server's route makers.
_AIOHTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
_AIOHTTP_REQUESTS = (*_AIOHTTP_VERBS, "request")

# aiosqlite's Connection methods wrapped by its own `@contextmanager`: a sync call that returns a
# `Result` holding the method's coroutine, to be awaited or entered with `async with`.
_AIOSQLITE_RESULTS = {
    "cursor": "aiosqlite.Cursor",
    "execute": "aiosqlite.Cursor",
    "executemany": "aiosqlite.Cursor",
    "executescript": "aiosqlite.Cursor",
}
_AIOSQLITE_WRAPPED = (*_AIOSQLITE_RESULTS, "execute_insert", "execute_fetchall")

_AIOFILES_TEMPORARY_FILES = ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile")

# `with X(...) as v` / `async with X(...) as v`: what v is, where it is not X itself.
ENTERED_AS = {
    "trio.open_nursery": "trio.Nursery",
    "anyio.create_task_group": "anyio.abc.TaskGroup",
    "asyncio.TaskGroup": "asyncio.TaskGroup",
    "asyncio.Runner": "asyncio.Runner",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "httpx.AsyncClient": "httpx.AsyncClient",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "aiofile.AIOFile": "aiofile.AIOFile",
    # The response a request's context manager gives (also as `await session.get(url)`, AWAITED_AS).
    **{f"aiohttp.ClientSession.{method}": "aiohttp.ClientResponse" for method in _AIOHTTP_REQUESTS},
    "aiohttp.ClientSession.ws_connect": "aiohttp.ClientWebSocketResponse",
    "aiofiles.open": "aiofiles.open()",
    "aiofiles.threadpool.open": "aiofiles.open()",
    # aiofiles' temporary files: text or binary file objects, or a spooled one, with the same coroutines.
    **{f"aiofiles.tempfile.{opener}": "aiofiles.open()" for opener in _AIOFILES_TEMPORARY_FILES},
    **{f"aiosqlite.Connection.{method}": made for method, made in _AIOSQLITE_RESULTS.items()},
}

# What awaiting a call of these gives, where no annotation says it: each entry is
# checked by running it (tests/test_result_tables.py).
AWAITED_AS = {
    "asyncio.create_subprocess_exec": "asyncio.subprocess.Process",
    "asyncio.create_subprocess_shell": "asyncio.subprocess.Process",
    "asyncio.start_server": "asyncio.Server",
    "asyncio.start_unix_server": "asyncio.Server",
    # asyncpg's connection: of `connection_class=` if given, a subclass of Connection it checks for.
    "asyncpg.connect": "asyncpg.connection.Connection",
    "asyncpg.connection.connect": "asyncpg.connection.Connection",
    **{f"aiohttp.ClientSession.{method}": "aiohttp.ClientResponse" for method in _AIOHTTP_REQUESTS},
    "aiohttp.ClientSession.ws_connect": "aiohttp.ClientWebSocketResponse",
    "aiofiles.open": "aiofiles.open()",
    "aiofiles.threadpool.open": "aiofiles.open()",
    **{f"aiofiles.tempfile.{opener}": "aiofiles.open()" for opener in _AIOFILES_TEMPORARY_FILES},
    # anyio's and trio's connections, listeners, sockets, files and processes: what user code
    # gets from them where the library's source is not read (the tables answer for these
    # libraries). `connect_tcp` gives a SocketStream, or with `tls=True` a TLSStream: both ByteStreams.
    "anyio.connect_tcp": "anyio.abc.ByteStream",
    "anyio.connect_unix": "anyio.abc.UNIXSocketStream",
    "anyio.create_tcp_listener": "anyio.abc.Listener",
    "anyio.create_unix_listener": "anyio.abc.SocketListener",
    "anyio.create_udp_socket": "anyio.abc.UDPSocket",
    "anyio.create_connected_udp_socket": "anyio.abc.ConnectedUDPSocket",
    "anyio.create_unix_datagram_socket": "anyio.abc.UNIXDatagramSocket",
    "anyio.create_connected_unix_datagram_socket": "anyio.abc.ConnectedUNIXDatagramSocket",
    "anyio.open_file": "anyio.AsyncFile",
    "anyio.open_process": "anyio.abc.Process",
    "trio.open_tcp_stream": "trio.SocketStream",
    "trio.open_unix_socket": "trio.SocketStream",
    "trio.lowlevel.open_process": "trio.Process",
    # `afp = await AIOFile(path, "w")`: awaiting the new instance opens it and gives it back.
    "aiofile.AIOFile": "aiofile.AIOFile",
    # `db = await aiosqlite.connect(path)`: the connection (its `__await__` starts its thread, gives itself).
    "aiosqlite.connect": "aiosqlite.Connection",
    **{f"aiosqlite.Connection.{method}": made for method, made in _AIOSQLITE_RESULTS.items()},
}

# `await nursery.start(f, ...)` gives what f hands to `task_status.started()`: for these f, this
# (also as `partial(f, ...)`). Checked by running each entry (tests/test_result_tables.py).
START_METHODS = frozenset({"trio.Nursery.start"})
STARTED_AS = {"trio.run_process": "trio.Process"}

# What awaiting these gives, element by element: `reader, writer = await open_connection(...)`.
AWAITED_TUPLES = {
    "asyncio.open_connection": ("asyncio.StreamReader", "asyncio.StreamWriter"),
    "asyncio.open_unix_connection": ("asyncio.StreamReader", "asyncio.StreamWriter"),
}

# Each item of the list that awaiting these gives: `(listener,) = await trio.open_tcp_listeners(0)`,
# `for listener in await ...`. Checked by running each entry (tests/test_result_tables.py).
AWAITED_ITEMS = {
    "trio.open_tcp_listeners": "trio.SocketListener",
    "trio.open_ssl_over_tcp_listeners": "trio.SSLListener",
}

# What calling these gives, element by element: `send, receive = trio.open_memory_channel(0)`
# (each a class whose `__new__` returns a tuple; also called subscripted, `[int](0)`).
# Checked by running each entry (tests/test_result_tables.py).
RETURNED_TUPLES = {
    "trio.open_memory_channel": ("trio.MemorySendChannel", "trio.MemoryReceiveChannel"),
    "anyio.create_memory_object_stream": (
        "anyio.streams.memory.MemoryObjectSendStream",
        "anyio.streams.memory.MemoryObjectReceiveStream",
    ),
}

# Methods inherited from a base the table names once.
BASE_CLASSES = {
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.Executor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.Executor",
    "asyncio.Task": "asyncio.Future",
}

# ASY102 / ASY103 / ASY104: what starts an event loop, and what it must be given.
RUN_WITH_COROUTINE = frozenset(
    {
        "asyncio.run",
        "asyncio.AbstractEventLoop.run_until_complete",
        "asyncio.Runner.run",
    }
)
RUN_WITH_ASYNC_FUNCTION = frozenset({"trio.run", "anyio.run"})
RUN_FOREVER = frozenset({"asyncio.AbstractEventLoop.run_forever"})
LOOP_ENTRY_POINTS = RUN_WITH_COROUTINE | RUN_WITH_ASYNC_FUNCTION | RUN_FOREVER
# ASY104 counts only the entries that create a new event loop each time; running an
# existing loop (`loop.run_until_complete`, `runner.run`) again re-enters the same one.
NEW_LOOP_ENTRY_POINTS = frozenset({"asyncio.run", "trio.run", "anyio.run"})

# ASY105
GET_EVENT_LOOP = "asyncio.get_event_loop"

# ASY106: the loop keeps only a weak reference to these tasks. gather() and
# shield() wrap their coroutines in tasks too, and return a future that nothing
# else holds: dropped, its result and exception are lost ("exception was never
# retrieved") and, at the loop's end, the tasks still pending are cancelled.
TASK_FACTORIES = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.AbstractEventLoop.create_task",
        "asyncio.gather",
        "asyncio.shield",
    }
)

# ASY109: argument positions that need a coroutine (or awaitable), not a function...
NEEDS_AWAITABLE_ARGUMENT = {
    "asyncio.create_task": (0,),
    "asyncio.ensure_future": (0,),
    "asyncio.wait_for": (0,),
    "asyncio.shield": (0,),
    "asyncio.AbstractEventLoop.create_task": (0,),
    "asyncio.TaskGroup.create_task": (0,),
}
# ... every positional argument of these:
NEEDS_AWAITABLE_ARGUMENTS = frozenset({"asyncio.gather"})
# ... and these need an async function, not a coroutine, as their first argument.
NEEDS_ASYNC_FUNCTION_ARGUMENT = frozenset(
    {"trio.Nursery.start_soon", "trio.Nursery.start", "anyio.abc.TaskGroup.start_soon", "anyio.abc.TaskGroup.start"}
)
# Calls that run the callable at that position with the positional arguments after it (their keywords
# are their own: `name=`, `backend=`): `nursery.start_soon(consumer, channel)` calls `consumer(channel)`.
# Each entry checked by running it (tests/test_result_tables.py).
CALLS_WITH_THE_REST = {
    "trio.run": 0,
    "trio.Nursery.start_soon": 0,
    "trio.Nursery.start": 0,
    "trio.to_thread.run_sync": 0,
    "anyio.run": 0,
    "anyio.abc.TaskGroup.start_soon": 0,
    "anyio.abc.TaskGroup.start": 0,
    "anyio.to_thread.run_sync": 0,
    "asyncio.AbstractEventLoop.run_in_executor": 1,
}
# asyncio.wait refuses bare coroutines since 3.11.
WAIT_REFUSES_COROUTINES = "asyncio.wait"

# ASY107: callables these APIs call synchronously, by argument position or keyword.
CALLS_SYNCHRONOUSLY = {
    "threading.Thread": ((), ("target",)),
    "threading.Timer": ((1,), ("function",)),
    "asyncio.AbstractEventLoop.call_soon": ((0,), ()),
    "asyncio.AbstractEventLoop.call_soon_threadsafe": ((0,), ()),
    "asyncio.AbstractEventLoop.call_later": ((1,), ()),
    "asyncio.AbstractEventLoop.call_at": ((1,), ()),
    "asyncio.AbstractEventLoop.add_signal_handler": ((1,), ()),
    "asyncio.AbstractEventLoop.add_reader": ((1,), ()),
    "asyncio.AbstractEventLoop.add_writer": ((1,), ()),
    "asyncio.AbstractEventLoop.run_in_executor": ((1,), ()),
    "signal.signal": ((1,), ()),
    "atexit.register": ((0,), ()),
    "concurrent.futures.Executor.submit": ((0,), ()),
    "concurrent.futures.Executor.map": ((0,), ()),
    "asyncio.Future.add_done_callback": ((0,), ()),
}

# ASY107's suggested fix: the arguments each API hands its callback, so that the
# suggested call keeps them. REST: the positional arguments after the callback
# (`loop.call_soon(fetch, "/")` calls `fetch("/")`); REST_AND_KEYWORDS: those and
# the keyword arguments (`executor.submit(fetch, "/", timeout=1)`). ARGS_KWARGS:
# the `args`/`kwargs` parameters, by keyword or at these positions
# (`Thread(target=worker, args=(i,))` calls `worker(i)`). APIs not listed pass
# arguments of their own (a signal number, the future): the fix names none.
CALLBACK_REST = "rest"
CALLBACK_REST_AND_KEYWORDS = "rest and keywords"
CALLBACK_ARGUMENTS = {
    "asyncio.AbstractEventLoop.call_soon": CALLBACK_REST,
    "asyncio.AbstractEventLoop.call_soon_threadsafe": CALLBACK_REST,
    "asyncio.AbstractEventLoop.call_later": CALLBACK_REST,
    "asyncio.AbstractEventLoop.call_at": CALLBACK_REST,
    "asyncio.AbstractEventLoop.add_signal_handler": CALLBACK_REST,
    "asyncio.AbstractEventLoop.add_reader": CALLBACK_REST,
    "asyncio.AbstractEventLoop.add_writer": CALLBACK_REST,
    "asyncio.AbstractEventLoop.run_in_executor": CALLBACK_REST,
    "atexit.register": CALLBACK_REST_AND_KEYWORDS,
    "concurrent.futures.Executor.submit": CALLBACK_REST_AND_KEYWORDS,
}
# Library calls that call the function they are given with objects of their own making: the
# callback's position and keyword, and the class of each argument it is called with
# (`asyncio.start_server(handle, ...)` calls `handle(reader, writer)`). Checked by running each
# entry (tests/test_result_tables.py).
CALLED_BACK_WITH = {
    "asyncio.start_server": (0, "client_connected_cb", ("asyncio.StreamReader", "asyncio.StreamWriter")),
    "asyncio.start_unix_server": (0, "client_connected_cb", ("asyncio.StreamReader", "asyncio.StreamWriter")),
    "trio.serve_tcp": (0, "handler", ("trio.SocketStream",)),
    # aiohttp's routes call a handler function with the request: `web.get("/", handle)`,
    # `app.router.add_get("/", handle)` (the router spelled through the application, or as itself).
    **{
        f"{where}{method}": (1, "handler", ("aiohttp.web.Request",))
        for method in _AIOHTTP_VERBS
        for where in ("aiohttp.web.", "aiohttp.web.UrlDispatcher.add_", "aiohttp.web.Application.router.add_")
    },
    **{
        name: (2, "handler", ("aiohttp.web.Request",))
        for name in (
            "aiohttp.web.route", "aiohttp.web.UrlDispatcher.add_route", "aiohttp.web.Application.router.add_route"
        )
    },
}
# (position of `args`, position of `kwargs`) in the signature.
CALLBACK_ARGS_KWARGS = {
    "threading.Thread": (3, 4),
    "threading.Timer": (2, 3),
}

# --- ASY3xx: which protocols objects support -------------------------------
SYNC = "sync"
ASYNC = "async"

# Context managers, by class (or by what a factory returns, through RETURNS_INSTANCE_OF).
# Some async-only ones define an `__enter__` that only raises "use async with":
# for the rules they are async-only all the same.
CONTEXT_MANAGER_PROTOCOLS = {
    "asyncio.Lock": {ASYNC},
    "asyncio.Semaphore": {ASYNC},
    "asyncio.BoundedSemaphore": {ASYNC},
    "asyncio.Condition": {ASYNC},
    "asyncio.Timeout": {ASYNC},
    "asyncio.TaskGroup": {ASYNC},
    "asyncio.Runner": {SYNC},
    "contextlib.AsyncExitStack": {ASYNC},
    "contextlib.ExitStack": {SYNC},
    "contextlib.suppress": {SYNC},
    "contextlib.redirect_stdout": {SYNC},
    "contextlib.redirect_stderr": {SYNC},
    "contextlib.chdir": {SYNC},
    "contextlib.nullcontext": {SYNC, ASYNC},
    "threading.Lock": {SYNC},
    "threading.RLock": {SYNC},
    "threading.Semaphore": {SYNC},
    "threading.BoundedSemaphore": {SYNC},
    "threading.Condition": {SYNC},
    "io.TextIOWrapper": {SYNC},
    "tempfile.TemporaryDirectory": {SYNC},
    "concurrent.futures.ThreadPoolExecutor": {SYNC},
    "concurrent.futures.ProcessPoolExecutor": {SYNC},
    "trio.CancelScope": {SYNC},
    "trio.Lock": {ASYNC},
    "trio.NurseryManager": {ASYNC},
    "anyio.CancelScope": {SYNC},
    "anyio.Lock": {ASYNC},
    "anyio.abc.TaskGroup": {ASYNC},
    "aiofile.AIOFile": {ASYNC},
    "aiohttp.ClientSession": {ASYNC},
    "httpx.AsyncClient": {ASYNC},
    # Values annotated with an async context manager ABC, as the iteration ABCs below (the sync
    # ABCs are in SYNC_PROTOCOL_ABCS: they do not make a value sync-only).
    "typing.AsyncContextManager": {ASYNC},
    "contextlib.AbstractAsyncContextManager": {ASYNC},
}

# The sync protocol ABCs: a value annotated with one of them (not made by calling it) supports
# the sync protocol, and may support the async one too: such annotations are what generic APIs
# write for objects of both kinds (sqlalchemy's `sessionmaker.begin() ->
# AbstractContextManager[_S]` enters an AsyncSession with `async with`), so they never make
# a value sync-only. (The async ABCs are written for async objects: they do make it async-only.)
SYNC_PROTOCOL_ABCS = frozenset(
    {
        "typing.ContextManager",
        "contextlib.AbstractContextManager",
        *(f"{module}.{name}" for module in ("typing", "collections.abc") for name in ("Iterable", "Iterator", "Generator")),
    }
)

# Iterables, by class.
ITERATION_PROTOCOLS = {
    "io.TextIOWrapper": {SYNC},
    # The file object `aiofiles.open()` gives: `async for line in f`, never `for`.
    "aiofiles.open()": {ASYNC},
    # What calling a generator function (an async one) makes: `it = agen(); for x in it` fails.
    "types.GeneratorType": {SYNC},
    "types.AsyncGeneratorType": {ASYNC},
    # `async for` over as_completed() came in 3.13.
    "asyncio.as_completed()": {SYNC, ASYNC} if sys.version_info >= (3, 13) else {SYNC},
    # A value annotated with an async iteration ABC (`stream: AsyncIterable[bytes]`) supports what
    # the ABC declares, as for an annotated class of the project: `for chunk in stream` is an ASY301.
    **{f"{module}.{name}": {ASYNC} for module in ("typing", "collections.abc")
       for name in ("AsyncIterable", "AsyncIterator", "AsyncGenerator")},
}

# What calling these builtins returns: a sync iterable, and nothing awaitable.
SYNC_ITERABLE_BUILTINS = frozenset(
    {
        "range", "list", "tuple", "set", "frozenset", "dict", "str", "bytes", "bytearray",
        "enumerate", "zip", "map", "filter", "reversed", "sorted", "iter",
    }
)

_ANYIO_PATH_DERIVED = ("__truediv__", "joinpath", "with_name", "with_stem", "with_suffix", "relative_to")

# Factories whose result the tables above describe.
FACTORY_RESULTS = {
    "builtins.open": "io.TextIOWrapper",
    # Factory functions in CPython, though they read like classes.
    "threading.Lock": "threading.Lock",
    "threading.RLock": "threading.RLock",
    "asyncio.as_completed": "asyncio.as_completed()",
    "asyncio.timeout": "asyncio.Timeout",
    "asyncio.timeout_at": "asyncio.Timeout",
    "trio.open_nursery": "trio.NurseryManager",
    "trio.move_on_after": "trio.CancelScope",
    "trio.move_on_at": "trio.CancelScope",
    "trio.fail_after": "trio.CancelScope",
    "trio.fail_at": "trio.CancelScope",
    "anyio.create_task_group": "anyio.abc.TaskGroup",
    "anyio.move_on_after": "anyio.CancelScope",
    "anyio.fail_after": "anyio.CancelScope",
    **{f"aiosqlite.Connection.{method}": "aiosqlite.context.Result" for method in _AIOSQLITE_WRAPPED},
    # anyio's Path makes another of itself (`-> Self`): `(path / "log").write_text(s)` is a coroutine.
    **{f"anyio.Path.{method}": "anyio.Path" for method in _ANYIO_PATH_DERIVED},
}

# Classes whose instance holds a coroutine its factory called and nobody awaited yet: dropped,
# that coroutine never runs and CPython warns `coroutine 'ClientSession._request' was never
# awaited`. ASY100 says "awaitable" for a call that makes one (checked by running each one,
# tests/test_result_tables.py).
COROUTINE_WRAPPERS = frozenset({"aiohttp.client._BaseRequestContextManager", "aiosqlite.context.Result"})

# Builtins that iterate their argument synchronously (ASY307), and those that need an async one.
SYNC_CONSUMERS = frozenset(
    {"list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "min", "max", "any", "all", "enumerate", "zip",
     "iter", "next", "map", "filter"}
)
ASYNC_CONSUMERS = frozenset({"aiter", "anext"})

# Methods whose call makes an awaitable that is not a coroutine: an async generator's
# `asend`/`athrow`/`aclose` do nothing until awaited (3.13 warns "coroutine method
# 'aclose' of 'agen' was never awaited"). ASY100 says "awaitable" for these.
AWAITABLE_METHODS = frozenset(
    f"{generator}.{method}"
    for generator in ("types.AsyncGeneratorType", "collections.abc.AsyncGenerator", "typing.AsyncGenerator")
    for method in ("asend", "athrow", "aclose")
)

# Sync functions whose result is certainly not awaitable (ASY304).
RETURNS_NON_AWAITABLE = frozenset(
    {"time.sleep", "builtins.print", "builtins.len", "builtins.open", "requests.get", "requests.post", "os.remove"}
)


# --- merged with the generated tables -----------------------------------------
# Built once at import: every lookup stays one frozenset or dict access.

def _generated(key: str) -> list:
    return [table[key] for table in generated_apis.LIBRARIES.values()]


def _protocols(key: str) -> dict[str, set[str]]:
    return {name: set(supported) for found in _generated(key) for name, supported in found.items()}


COROUTINE_FUNCTIONS = COROUTINE_FUNCTIONS.union(*_generated("coroutine_functions"))
CLASSES = CLASSES.union(*_generated("classes"))
CLASS_ALIASES = {**{k: v for found in _generated("class_aliases") for k, v in found.items()}, **CLASS_ALIASES}
ENTERED_AS = {**{k: v for found in _generated("entered_as") for k, v in found.items()}, **ENTERED_AS}
# Every name a library class and its bases define or store on instances, space-separated (split
# when a class of the linted project inherits from it).
CLASS_MEMBERS = {k: v for found in _generated("members") for k, v in found.items()}
FACTORY_RESULTS = {
    **{k: v for found in _generated("factory_results") for k, v in found.items() if k not in RETURNS_INSTANCE_OF},
    **FACTORY_RESULTS,
}
CONTEXT_MANAGER_PROTOCOLS = {**_protocols("context_managers"), **CONTEXT_MANAGER_PROTOCOLS}
ITERATION_PROTOCOLS = {**_protocols("iterables"), **ITERATION_PROTOCOLS}
# Classes with `__await__`: kept for the rules that will ask; no rule reads it yet.
AWAITABLE_CLASSES = frozenset().union(*_generated("awaitables"))
# The standard library's generated names: the prefilter leaves them to the text search (see there).
GENERATED_STDLIB_NAMES = frozenset(
    name
    for key in ("coroutine_functions", "factory_results", "context_managers", "iterables")
    for name in generated_apis.LIBRARIES.get("stdlib", {}).get(key, ())
)
# Which version of each library the generated entries describe.
GENERATED_VERSIONS = {key: table["version"] for key, table in generated_apis.LIBRARIES.items()}
