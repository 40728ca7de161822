from syncproj.helpers import fetch_everything, rows


async def main():
    fetch_everything()  # error: ASY100
    for row in rows():  # error: ASY301
        print(row)
