# Built at run time, as motor builds its classes: only the stub beside it says what they have.
def _build(name):
    async def close(self):
        return None

    return type(name, (), {"close": close})


Client = _build("Client")
