import sys

if sys.platform == "win32":
    async def notify(message):
        return message
else:
    async def notify(message):
        return message

if sys.platform == "win32":
    async def send(message):
        return message
else:
    def send(message):
        return message
