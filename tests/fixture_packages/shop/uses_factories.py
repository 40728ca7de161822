# What other modules' functions return, read in outline: annotations and returned calls.
from shop.factories import (
    Factory,
    Holder,
    described_repo,
    local_repo,
    make_repo,
    mixed,
    open_session,
    plain_repo,
    plain_session,
)


async def main(factory: Factory, holder: Holder):
    repo = make_repo()
    repo.load("k")  # error: ASY100
    repo.save("k")
    make_repo().load("k")  # error: ASY100
    plain_repo("k").load("k")  # error: ASY100
    local_repo().load("k")  # bound in its own body: not known
    described_repo().load("k")  # a returned name, cut away in outline: not known
    mixed(True).load("k")  # one return is not a call: not known
    session = await open_session()
    session.commit()  # error: ASY100
    (await plain_session("s")).commit()  # error: ASY100
    factory.repo().load("k")  # error: ASY100
    factory.unannotated().load("k")  # a RecordingFactory's returns a RecordingRepo
    factory.built().load("k")  # error: ASY100
    Factory().unannotated().load("k")  # error: ASY100
    holder.repo.load("k")  # error: ASY100
    Holder().repo.load("k")  # error: ASY100
    Holder().session.commit()  # error: ASY100
