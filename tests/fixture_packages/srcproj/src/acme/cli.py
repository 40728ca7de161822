# src layout: `acme` is importable from src/, which the plugin finds from this file's path.
import asyncio

from acme.net import checksum, download


def main(url):
    download(url)  # error: ASY204
    checksum(url)
    asyncio.run(download(url))
    asyncio.run(download)  # error: ASY103
