"""Routes of age verification (contract: paths/avs.yaml)."""

from __future__ import annotations

from ..context import Call
from ..domain import avs
from ..envelope import Reply, itemupdate
from . import handler


@handler
async def prepareavsupdate(call: Call) -> Reply:
    with call.db.write() as db:
        result = avs.prepare(
            db,
            call.user_id,
            call.params["provider"],
            call.params["ageclass"],
            call.settings.public_host,
        )
    return Reply(result)


@handler
async def finishavsupdate(call: Call) -> Reply:
    with call.db.write() as db:
        result = avs.finish(
            db,
            call.domain.id,
            call.user_id,
            call.params["transaction"],
            passed=call.params["transactionresult"] == 1,
        )
    return itemupdate(result)
