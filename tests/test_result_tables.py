"""The tables of what awaiting or entering a library call gives, checked by running each entry.

`known_apis.AWAITED_AS` (what `await f(...)` gives), `AWAITED_TUPLES` (the
same, element by element, for `reader, writer = await ...`), `RETURNED_TUPLES`
(`send, receive = trio.open_memory_channel(0)`, also subscripted) and the entries of
`known_apis.ENTERED_AS` keyed by a library method (what `async with
f(...) as x` binds) say what no annotation of the library says. Each is run
here against the installed library, on this machine only: subprocesses of
this interpreter, servers on 127.0.0.1 and in a temporary folder, files in
pytest's tmp_path. And what the plugin then reports through them is checked
on a program that CPython runs too (tests/fixtures/oracle/asy100_library_results.py).
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import ssl
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from flake8_async_tips import known_apis
from flake8_async_tips.inference import canonical_class, member_name

aiohttp = pytest.importorskip("aiohttp")
aiofiles = pytest.importorskip("aiofiles")
from aiohttp import web  # noqa: E402

CHECKED_AWAITED: dict[str, type] = {}
CHECKED_ENTERED: dict[str, type] = {}
CHECKED_TUPLES: dict[str, tuple[type, ...]] = {}
CHECKED_MADE: dict[str, type] = {}
CHECKED_STARTED: dict[str, type] = {}
CHECKED_ITEMS: dict[str, set[type]] = {}


def _class_named(name: str) -> Any:
    module, _, attribute = canonical_class(name).rpartition(".")
    return getattr(sys.modules.get(module) or __import__(module, fromlist=[attribute]), attribute)


async def _awaited_and_entered(tmp_path: Path) -> None:
    """Calls every entry of both tables, recording the type each gives."""

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    CHECKED_AWAITED["asyncio.create_subprocess_exec"] = type(process)
    await process.wait()
    process = await asyncio.create_subprocess_shell(f'"{sys.executable}" -c pass')
    CHECKED_AWAITED["asyncio.create_subprocess_shell"] = type(process)
    await process.wait()
    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    CHECKED_AWAITED["asyncio.start_server"] = type(server)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
    CHECKED_TUPLES["asyncio.open_connection"] = (type(reader), type(writer))
    writer.close()
    server.close()
    await server.wait_closed()
    if sys.platform != "win32":
        path = str(tmp_path / "socket")
        unix_server = await asyncio.start_unix_server(on_client, path=path)
        CHECKED_AWAITED["asyncio.start_unix_server"] = type(unix_server)
        reader, writer = await asyncio.open_unix_connection(path)
        CHECKED_TUPLES["asyncio.open_unix_connection"] = (type(reader), type(writer))
        writer.close()
        unix_server.close()
        await unix_server.wait_closed()

    async def echo(request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            socket = web.WebSocketResponse()
            await socket.prepare(request)
            await socket.close()
            return socket
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/"
    try:
        async with aiohttp.ClientSession() as session:
            for method in ("get", "post", "put", "patch", "delete", "head", "options"):
                name = f"aiohttp.ClientSession.{method}"
                async with getattr(session, method)(url) as response:
                    CHECKED_ENTERED[name] = type(response)
                response = await getattr(session, method)(url)
                CHECKED_AWAITED[name] = type(response)
                response.release()
            async with session.request("GET", url) as response:
                CHECKED_ENTERED["aiohttp.ClientSession.request"] = type(response)
            response = await session.request("GET", url)
            CHECKED_AWAITED["aiohttp.ClientSession.request"] = type(response)
            response.release()
            async with session.ws_connect(url) as socket:
                CHECKED_ENTERED["aiohttp.ClientSession.ws_connect"] = type(socket)
            socket = await session.ws_connect(url)
            CHECKED_AWAITED["aiohttp.ClientSession.ws_connect"] = type(socket)
            await socket.close()
    finally:
        await runner.cleanup()

    for opener in ("aiofiles.open", "aiofiles.threadpool.open"):
        open_file = aiofiles.open if opener == "aiofiles.open" else aiofiles.threadpool.open
        for mode in ("w", "wb"):
            async with open_file(tmp_path / "file", mode) as handle:
                _check_file_handle(handle)
                CHECKED_ENTERED[opener] = _FileHandle
            handle = await open_file(tmp_path / "file", mode)
            _check_file_handle(handle)
            CHECKED_AWAITED[opener] = _FileHandle
            await handle.close()
    temporary_files = importlib.import_module("aiofiles.tempfile")
    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile"):
        open_temporary = getattr(temporary_files, name)
        for mode in ("w+", "wb+"):
            async with open_temporary(mode=mode) as handle:
                _check_file_handle(handle)
                CHECKED_ENTERED[f"aiofiles.tempfile.{name}"] = _FileHandle
            handle = await open_temporary(mode=mode)
            _check_file_handle(handle)
            CHECKED_AWAITED[f"aiofiles.tempfile.{name}"] = _FileHandle
            await handle.close()

    if importlib.util.find_spec("aiofile") is not None:
        import aiofile

        afp = await aiofile.AIOFile(str(tmp_path / "aiofile"), "w")
        CHECKED_AWAITED["aiofile.AIOFile"] = type(afp)
        await afp.close()


class _FileHandle:
    """Stands for the pseudo-class `aiofiles.open()`: any of aiofiles' file objects."""


def _check_file_handle(handle: Any) -> None:
    for method in known_apis.AIOFILES_FILE_COROUTINES:
        assert inspect.iscoroutinefunction(getattr(handle, method)), method
    assert hasattr(handle, "__aiter__") and not hasattr(handle, "__iter__")


# What entering each object the anyio and trio entries make gives (ENTERED_AS keys those classes).
CHECKED_ENTERED_ITSELF: dict[str, bool] = {}


async def _record(name: str, made: Any) -> None:
    """Record the type of what `name` made, and whether entering it gives the object itself; then close it."""
    CHECKED_AWAITED[name] = type(made)
    if not hasattr(made, "__aenter__"):
        return  # trio.Process: not a context manager (ENTERED_AS has no entry for it)
    async with made as entered:
        CHECKED_ENTERED_ITSELF[name] = entered is made


async def _anyio_results(tmp_path: Path) -> None:
    import anyio

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    await _record("anyio.connect_tcp", await anyio.connect_tcp("127.0.0.1", port))
    await _record("anyio.create_tcp_listener", listener)
    udp = await anyio.create_udp_socket(local_host="127.0.0.1")
    udp_port = udp.extra(anyio.abc.SocketAttribute.local_port)
    await _record("anyio.create_udp_socket", udp)
    connected = await anyio.create_connected_udp_socket("127.0.0.1", udp_port)
    await _record("anyio.create_connected_udp_socket", connected)
    stream_path, datagram_path = str(tmp_path / "stream"), str(tmp_path / "datagram")
    unix_listener = await anyio.create_unix_listener(stream_path)
    await _record("anyio.connect_unix", await anyio.connect_unix(stream_path))
    await _record("anyio.create_unix_listener", unix_listener)
    datagram = await anyio.create_unix_datagram_socket(local_path=datagram_path)
    await _record(
        "anyio.create_connected_unix_datagram_socket",
        await anyio.create_connected_unix_datagram_socket(datagram_path),
    )
    await _record("anyio.create_unix_datagram_socket", datagram)
    await _record("anyio.open_file", await anyio.open_file(tmp_path / "anyio.txt", "w"))
    process = await anyio.open_process([sys.executable, "-c", "pass"])
    await process.wait()
    await _record("anyio.open_process", process)


async def _trio_results(tmp_path: Path) -> None:
    import trio

    (listener,) = await trio.open_tcp_listeners(0, host="127.0.0.1")
    port = listener.socket.getsockname()[1]
    await _record("trio.open_tcp_stream", await trio.open_tcp_stream("127.0.0.1", port))
    await listener.aclose()
    path = str(tmp_path / "trio-stream")
    server = trio.socket.socket(trio.socket.AF_UNIX)
    await server.bind(path)
    server.listen()
    await _record("trio.open_unix_socket", await trio.open_unix_socket(path))
    server.close()
    process = await trio.lowlevel.open_process([sys.executable, "-c", "pass"])
    await process.wait()
    await _record("trio.lowlevel.open_process", process)
    async with trio.open_nursery() as nursery:
        started = await nursery.start(trio.run_process, [sys.executable, "-c", "pass"])
        CHECKED_STARTED["trio.run_process"] = type(started)
        started = await nursery.start(partial(trio.run_process, [sys.executable, "-c", "pass"]))
        CHECKED_STARTED["partial(trio.run_process)"] = type(started)
    listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
    CHECKED_ITEMS["trio.open_tcp_listeners"] = {type(listener) for listener in listeners}
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    secure = await trio.open_ssl_over_tcp_listeners(0, context, host="127.0.0.1")
    CHECKED_ITEMS["trio.open_ssl_over_tcp_listeners"] = {type(listener) for listener in secure}
    for listener in [*listeners, *secure]:
        await listener.aclose()


async def _aiosqlite_results() -> None:
    import aiosqlite

    connection = await aiosqlite.connect(":memory:")
    CHECKED_AWAITED["aiosqlite.connect"] = type(connection)
    await connection.execute("create table t (x integer)")
    statements = {"executescript": ("select 1;",), "executemany": ("insert into t values (?)", [(1,)])}
    for name in ("cursor", "execute", "executemany", "executescript", "execute_insert", "execute_fetchall"):
        arguments = statements.get(name, () if name == "cursor" else ("select 1",))
        if name == "execute_insert":
            arguments = ("insert into t values (2)",)
        made = getattr(connection, name)(*arguments)
        CHECKED_MADE[f"aiosqlite.Connection.{name}"] = type(made)
        CHECKED_AWAITED[f"aiosqlite.Connection.{name}"] = type(await made)
        async with getattr(connection, name)(*arguments) as entered:
            CHECKED_ENTERED[f"aiosqlite.Connection.{name}"] = type(entered)
    await connection.close()


async def _asyncpg_results() -> None:
    """What awaiting `asyncpg.connect` gives, from a server speaking just enough of PostgreSQL's protocol:
    the startup message answered with AuthenticationOk, the parameters asyncpg reads and ReadyForQuery."""
    import struct

    import asyncpg
    import asyncpg.connection

    def message(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack("!i", len(body) + 4) + body

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        (length,) = struct.unpack("!i", await reader.readexactly(4))
        await reader.readexactly(length - 4)  # the startup message (no SSL request: ssl=False)
        parameters = {"server_version": "16.0", "client_encoding": "UTF8", "integer_datetimes": "on"}
        reply = message(b"R", struct.pack("!i", 0))
        for name, value in parameters.items():
            reply += message(b"S", name.encode() + b"\0" + value.encode() + b"\0")
        reply += message(b"K", struct.pack("!ii", 1, 2)) + message(b"Z", b"I")
        writer.write(reply)
        await writer.drain()
        await reader.read(1)  # the client's Terminate
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    for name in ("asyncpg.connect", "asyncpg.connection.connect"):
        connect = asyncpg.connect if name == "asyncpg.connect" else asyncpg.connection.connect
        connection = await asyncio.wait_for(
            connect(host="127.0.0.1", port=port, user="u", database="d", ssl=False, timeout=5), 10
        )
        CHECKED_AWAITED[name] = type(connection)
        await asyncio.wait_for(connection.close(timeout=5), 10)
    server.close()
    await server.wait_closed()


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> None:
    asyncio.run(_awaited_and_entered(tmp_path_factory.mktemp("tables")))
    if importlib.util.find_spec("asyncpg") is not None:
        asyncio.run(_asyncpg_results())
    if importlib.util.find_spec("aiosqlite") is not None:
        asyncio.run(_aiosqlite_results())
    if sys.platform != "win32" and all(importlib.util.find_spec(name) for name in ("anyio", "trio")):
        import anyio

        anyio.run(_anyio_results, tmp_path_factory.mktemp("anyio"))
        anyio.run(_trio_results, tmp_path_factory.mktemp("trio"), backend="trio")


@pytest.mark.parametrize("task", sorted(known_apis.STARTED_AS))
def test_starting_gives_what_the_table_says(checked: None, task: str) -> None:
    """`await nursery.start(task, ...)`, also `partial(task, ...)`: what the task hands to
    `task_status.started()`."""
    if sys.platform == "win32":
        pytest.skip("trio's entries are checked on Unix")
    pytest.importorskip(task.partition(".")[0])
    assert known_apis.START_METHODS == {"trio.Nursery.start"}
    expected = _class_named(known_apis.STARTED_AS[task])
    assert CHECKED_STARTED[task] is expected
    assert CHECKED_STARTED[f"partial({task})"] is expected


@pytest.mark.parametrize("callee", sorted(known_apis.AWAITED_ITEMS))
def test_awaiting_gives_a_list_of_what_the_table_says(checked: None, callee: str) -> None:
    """`(listener,) = await trio.open_tcp_listeners(0)`: every item of the list is of the table's class."""
    if sys.platform == "win32":
        pytest.skip("trio's entries are checked on Unix")
    pytest.importorskip(callee.partition(".")[0])
    assert CHECKED_ITEMS[callee] == {_class_named(known_apis.AWAITED_ITEMS[callee])}


def _expected(name: str) -> Any:
    return _FileHandle if name.endswith("()") else _class_named(name)


@pytest.mark.parametrize("callee", sorted(known_apis.AWAITED_AS))
def test_awaiting_gives_what_the_table_says(checked: None, callee: str) -> None:
    if sys.platform == "win32" and (callee == "asyncio.start_unix_server" or callee.startswith(("anyio.", "trio."))):
        pytest.skip("no Unix sockets")
    pytest.importorskip(callee.partition(".")[0])
    assert callee in CHECKED_AWAITED, f"{callee}: add it to _awaited_and_entered"
    expected = _expected(known_apis.AWAITED_AS[callee])
    assert CHECKED_AWAITED[callee] is expected or issubclass(CHECKED_AWAITED[callee], expected)


@pytest.mark.parametrize("callee", sorted(known_apis.AWAITED_TUPLES))
def test_awaiting_gives_the_tuple_the_table_says(checked: None, callee: str) -> None:
    if callee == "asyncio.open_unix_connection" and sys.platform == "win32":
        pytest.skip("no Unix sockets")
    made = tuple(_class_named(name) for name in known_apis.AWAITED_TUPLES[callee])
    assert CHECKED_TUPLES[callee] == made


LIBRARY_METHODS_ENTERED = sorted(
    name for name in known_apis.ENTERED_AS if name.startswith(("aiohttp.ClientSession.", "aiofiles.", "aiosqlite.Connection."))
)


@pytest.mark.parametrize("callee", LIBRARY_METHODS_ENTERED)
def test_entering_gives_what_the_table_says(checked: None, callee: str) -> None:
    assert callee in CHECKED_ENTERED, f"{callee}: add it to _awaited_and_entered"
    expected = _expected(known_apis.ENTERED_AS[callee])
    assert CHECKED_ENTERED[callee] is expected or issubclass(CHECKED_ENTERED[callee], expected)


@pytest.mark.parametrize("made", sorted(set(known_apis.AWAITED_AS.values()) - {"aiofiles.open()"}))
def test_the_tables_know_the_methods_of_what_is_made(made: str) -> None:
    """Each class made has coroutine methods in the tables, under the names `member_name` looks up."""
    pytest.importorskip(made.partition(".")[0])
    cls = _class_named(made)
    known = [
        attribute
        for attribute in dir(cls)
        if not attribute.startswith("_") and member_name(made, attribute) in known_apis.COROUTINE_FUNCTIONS
    ]
    assert known, f"no coroutine method of {made} is in the tables"
    for attribute in known:
        assert inspect.iscoroutinefunction(getattr(cls, attribute)), f"{made}.{attribute}"


def _made_by_calling(callee: str) -> tuple[type, ...]:
    """Call the table's entry (bare and subscripted) and return the types of what it gives."""
    module, _, attribute = callee.rpartition(".")
    factory = getattr(__import__(module, fromlist=[attribute]), attribute)
    bare = factory(1)
    subscripted = factory[int](1)
    assert [type(item) for item in bare] == [type(item) for item in subscripted]
    for item in (*bare, *subscripted):
        close = getattr(item, "close", None)
        if close is not None:
            close()
    return tuple(type(item) for item in bare)


@pytest.mark.parametrize("callee", sorted(known_apis.RETURNED_TUPLES))
def test_calling_gives_the_tuple_the_table_says(callee: str) -> None:
    pytest.importorskip(callee.partition(".")[0])
    made = tuple(_class_named(name) for name in known_apis.RETURNED_TUPLES[callee])
    assert _made_by_calling(callee) == made


ENTERED_ITSELF = sorted(name for name in known_apis.AWAITED_AS if name.startswith(("anyio.", "trio.")))


@pytest.mark.parametrize("callee", ENTERED_ITSELF)
def test_entering_what_is_made_gives_it_back(checked: None, callee: str) -> None:
    """`async with await anyio.connect_tcp(...) as stream`: the table says entering the stream gives the stream."""
    if sys.platform == "win32":
        pytest.skip("no Unix sockets")
    made = known_apis.AWAITED_AS[callee]
    assert known_apis.ENTERED_AS.get(made) in (made, None)
    if known_apis.ENTERED_AS.get(made) == made:
        assert CHECKED_ENTERED_ITSELF.get(callee), f"entering what {callee} makes gives another object"
    else:
        assert callee not in CHECKED_ENTERED_ITSELF, f"what {callee} makes can be entered: ENTERED_AS should say"


# The factories of the hand-written tables whose result is a coroutine wrapper (generated ones are checked
# by tests/test_generated_apis.py).
LIBRARY_FACTORIES = sorted(
    name for name, made in known_apis.FACTORY_RESULTS.items() if made == "aiosqlite.context.Result"
)


@pytest.mark.parametrize("callee", LIBRARY_FACTORIES)
def test_calling_gives_what_the_factory_table_says(checked: None, callee: str) -> None:
    pytest.importorskip("aiosqlite")
    assert callee in CHECKED_MADE, f"{callee}: add it to _aiosqlite_results"
    assert CHECKED_MADE[callee] is _class_named(known_apis.FACTORY_RESULTS[callee])


async def _asyncio_called_back(serve: Any, tmp_path: Path) -> tuple[type, ...]:
    """What asyncio.start_server / start_unix_server call their callback with, for one connection."""
    received: list[tuple[type, ...]] = []

    async def on_client(*arguments: Any) -> None:
        received.append(tuple(type(argument) for argument in arguments))
        arguments[-1].close()

    if serve is asyncio.start_unix_server:
        path = str(tmp_path / "called-back")
        server = await serve(on_client, path=path)
        _, writer = await asyncio.open_unix_connection(path)
    else:
        server = await serve(on_client, "127.0.0.1", 0)
        _, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
    for _ in range(100):
        if received:
            break
        await asyncio.sleep(0.01)
    writer.close()
    server.close()
    await server.wait_closed()
    return received[0]


async def _trio_called_back() -> tuple[type, ...]:
    """What trio.serve_tcp calls its handler with, for one connection."""
    import trio

    received: list[tuple[type, ...]] = []

    async def handler(*arguments: Any) -> None:
        received.append(tuple(type(argument) for argument in arguments))

    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(partial(trio.serve_tcp, handler, 0, host="127.0.0.1"))
        client = await trio.open_tcp_stream("127.0.0.1", listeners[0].socket.getsockname()[1])
        with trio.move_on_after(5):
            while not received:
                await trio.sleep(0.01)
        await client.aclose()
        nursery.cancel_scope.cancel()
    return received[0]


async def _aiohttp_called_back(caller: str) -> tuple[type, ...]:
    """What an aiohttp route made by `caller` (`web.get`, `app.router.add_get`...) calls its handler with."""
    received: list[tuple[type, ...]] = []

    async def handler(*arguments: Any) -> web.StreamResponse:
        received.append(tuple(type(argument) for argument in arguments))
        return web.Response(text="ok")

    app = web.Application()
    tail = caller.rpartition(".")[2]
    verb = "GET" if tail.endswith("route") else tail.removeprefix("add_").upper()
    arguments = (verb, "/", handler) if tail.endswith("route") else ("/", handler)
    if tail.startswith("add_"):
        getattr(app.router, tail)(*arguments)
    else:
        app.add_routes([getattr(web, tail)(*arguments)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as session:
            async with session.request(verb, f"http://127.0.0.1:{port}/") as response:
                assert response.status == 200
    finally:
        await runner.cleanup()
    return received[0]


@pytest.mark.parametrize("caller", sorted(known_apis.CALLED_BACK_WITH))
def test_a_library_calls_back_with_what_the_table_says(caller: str, tmp_path: Path) -> None:
    """`asyncio.start_server(handle, ...)` calls `handle(reader, writer)`: the classes the table gives its parameters."""
    if sys.platform == "win32" and caller.endswith("unix_server"):
        pytest.skip("no Unix sockets")
    if caller.startswith("trio."):
        trio = pytest.importorskip("trio")
        received = trio.run(_trio_called_back)
        called = _class_named(caller)
    elif caller.startswith("aiohttp."):
        received = asyncio.run(_aiohttp_called_back(caller))
        called = getattr(web.UrlDispatcher if ".add_" in caller else web, caller.rpartition(".")[2])
    else:
        received = asyncio.run(_asyncio_called_back(getattr(asyncio, caller.rpartition(".")[2]), tmp_path))
        called = _class_named(caller)
    position, keyword, made = known_apis.CALLED_BACK_WITH[caller]
    assert received == tuple(_class_named(name) for name in made)
    parameters = [name for name in inspect.signature(called).parameters if name != "self"]
    assert parameters.index(keyword) == position


PATH_DERIVED = sorted(name for name, made in known_apis.FACTORY_RESULTS.items() if made == "anyio.Path")
# What each derived-path method is called with here.
_PATH_ARGUMENTS = {"with_name": ("b.txt",), "with_stem": ("b",), "with_suffix": (".txt",), "relative_to": ("/",)}


@pytest.mark.parametrize("callee", PATH_DERIVED)
def test_anyio_paths_make_anyio_paths(callee: str) -> None:
    """`path / "log"`, `path.joinpath(...)` and friends give another anyio Path (whose I/O methods are coroutines)."""
    anyio = pytest.importorskip("anyio")
    method = callee.rpartition(".")[2]
    made = getattr(anyio.Path("/tmp/a.log"), method)(*_PATH_ARGUMENTS.get(method, ("b",)))
    assert type(made) is _class_named(known_apis.FACTORY_RESULTS[callee])
    assert inspect.iscoroutinefunction(made.touch)


_DROPPED = {
    "aiohttp.client._BaseRequestContextManager": (
        "import aiohttp\n"
        "async def main():\n"
        "    async with aiohttp.ClientSession() as session:\n"
        "        session.get('http://127.0.0.1:9/')\n"
    ),
    "aiosqlite.context.Result": (
        "import aiosqlite\n"
        "async def main():\n"
        "    async with aiosqlite.connect(':memory:') as db:\n"
        "        db.execute('select 1')\n"
    ),
}


@pytest.mark.parametrize("wrapper", sorted(known_apis.COROUTINE_WRAPPERS))
def test_a_dropped_coroutine_wrapper_leaves_its_coroutine_never_awaited(wrapper: str, tmp_path: Path) -> None:
    """Each class of COROUTINE_WRAPPERS, made by its factory and dropped: CPython warns about the coroutine."""
    import subprocess

    pytest.importorskip(wrapper.partition(".")[0])
    assert wrapper in _DROPPED, f"{wrapper}: add a program that drops one"
    program = tmp_path / "dropped.py"
    program.write_text(_DROPPED[wrapper] + "import asyncio, gc\nasyncio.run(main())\ngc.collect()\n")
    result = subprocess.run(
        [sys.executable, "-W", "default", str(program)], capture_output=True, text=True, timeout=120
    )
    assert "was never awaited" in result.stderr, result.stderr



NEW_LOOPS = sorted(name for name in known_apis.RETURNS_INSTANCE_OF if name.endswith(".new_event_loop"))


@pytest.mark.parametrize("factory", NEW_LOOPS)
def test_a_new_event_loop_is_what_the_table_says(factory: str) -> None:
    module = pytest.importorskip(factory.rpartition(".")[0])
    loop = getattr(module, factory.rpartition(".")[2])()
    try:
        assert isinstance(loop, _class_named(known_apis.RETURNS_INSTANCE_OF[factory]))
        assert loop.run_until_complete(asyncio.sleep(0, "slept")) == "slept"
    finally:
        loop.close()


def _run_spawner(spawner: str, callee: Any, first: object, second: object) -> None:
    """Run `callee` through `spawner` (a name of CALLS_WITH_THE_REST) with `first, second` after it."""
    position = known_apis.CALLS_WITH_THE_REST[spawner]
    before = (None,) * position  # `loop.run_in_executor(None, fn, ...)`: the executor first
    library = spawner.partition(".")[0]
    module = pytest.importorskip(library)
    if spawner in ("trio.run", "anyio.run"):
        module.run(callee, first, second)
        return
    if spawner.endswith(".to_thread.run_sync"):

        async def in_thread() -> None:
            await module.to_thread.run_sync(callee, first, second)

        module.run(in_thread)
        return
    if spawner.startswith("asyncio."):

        async def in_executor() -> None:
            await asyncio.get_running_loop().run_in_executor(*before, callee, first, second)

        asyncio.run(in_executor())
        return

    async def in_group() -> None:
        opened = module.open_nursery() if library == "trio" else module.create_task_group()
        async with opened as group:
            if spawner.endswith(".start"):
                await group.start(callee, first, second)
            else:
                group.start_soon(callee, first, second)

    module.run(in_group)


@pytest.mark.parametrize("spawner", sorted(known_apis.CALLS_WITH_THE_REST))
def test_a_spawner_calls_its_callable_with_the_arguments_after_it(spawner: str) -> None:
    """`nursery.start_soon(consumer, channel)` calls `consumer(channel)`: what call-site inference counts as a call."""
    received: list[tuple[Any, ...]] = []
    first, second = object(), object()
    if spawner.endswith("run_sync") or spawner.endswith("run_in_executor"):

        def callee(*arguments: Any) -> None:
            received.append(arguments)

    elif spawner.endswith(".start"):

        async def callee(*arguments: Any, task_status: Any) -> None:  # type: ignore[misc]
            received.append(arguments)
            task_status.started()

    else:

        async def callee(*arguments: Any) -> None:  # type: ignore[misc]
            received.append(arguments)

    _run_spawner(spawner, callee, first, second)
    assert received == [(first, second)]
    owner, _, method = spawner.rpartition(".")
    if owner in ("trio.Nursery", "anyio.abc.TaskGroup", "asyncio.AbstractEventLoop"):
        parameters = list(inspect.signature(getattr(_class_named(owner), method)).parameters)
        assert parameters.index("self") == 0 and len(parameters) > known_apis.CALLS_WITH_THE_REST[spawner] + 1
