"""Read in outline by shop.uses_outlined: function bodies are cut down to what
inference asks of them, and what was cut must not change an answer."""
import functools

handler = None


async def fetch():
    await fetch_more()


async def fetch_more():
    pass


def install(replacement=None):
    # Rebinds a module name from inside a function: `handler` is not known.
    global handler
    if replacement is not None:
        handler = replacement
    else:
        handler = fetch


runner = fetch


def configure():
    class Settings:
        # A `global` in a class nested in a function rebinds the module's name too.
        global runner
        runner = None

    return Settings


def blocking(fn):
    if fn is None:
        raise ValueError("no function")

    @functools.wraps(fn)
    def wrapper(*args):
        result = fn(*args)
        return result

    return wrapper


@blocking
async def refresh():
    pass


def numbers(limit):
    # The yield sits deep in blocks: still a generator.
    if limit:
        for number in range(limit):
            try:
                yield number
            finally:
                pass
    return None


async def ticks():
    while True:
        with open("ticks") as source:
            yield source.read()


def lazy_tick():
    return (tick for tick in range(3))


class Service:
    async def start(self):
        await fetch()

    def rewire(self):
        # A stored attribute: `stop` may be rebound on any instance.
        self.stop = None

    async def stop(self):
        pass

    def __iter__(self):
        for item in range(3):
            yield item


class OutlinedChunks:
    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration


class OutlinedResponse:
    # Declared at class level, stored only on `self` in a method read in outline: the declaration holds.
    body: OutlinedChunks = None

    def start(self, payload):
        self.body = payload


class OutlinedReply:
    # Declared, but also stored on another object (rewire_reply): not certain.
    content: OutlinedChunks = None


def rewire_reply(reply):
    reply.content = []


class OutlinedDraft:
    # Stored on `self` with no declaration: a chain of calls is kept with the store, any other value cut away.
    def start(self):
        self.pages = OutlinedChunks()
        self.sections = [OutlinedChunks()][0]


class OutlinedProcess:
    # `self.x = parameter` in a body read in outline: the parameter's annotation says what it holds.
    def __init__(self, output: OutlinedChunks, errors: "OutlinedChunks | None", name):
        self.output = output
        self.errors = errors
        self.label = name


def close_outlined(process):
    process.errors = None  # a None store leaves nothing any use could succeed on
