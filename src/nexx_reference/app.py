"""The ASGI application: one Starlette route per contract operation that has a handler.

No framework-generated OpenAPI document: the hand-written contract is the only one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from . import faults, http
from .context import Services
from .contract import load_operations
from .domain import catalogue
from .mail import Mailer
from .passwords import Passwords
from .routes import collect_handlers
from .routes import uploads as upload_routes
from .settings import Settings
from .sms import SmsSender
from .storage import Database

log = logging.getLogger(__name__)


def create_services(settings: Settings) -> Services:
    return Services(
        settings=settings,
        db=Database(settings.db_path),
        mail=Mailer(settings.smtp, settings.public_host),
        sms=SmsSender(settings.sms_webhook),
        passwords=Passwords(settings.password_hash_cost),
    )


def create_app(settings: Settings, contract_path: Path | None = None) -> Starlette:
    given = contract_path or settings.contract
    operations = load_operations(Path(given) if given else None)
    handlers = collect_handlers()
    declared = {(operation.method, operation.path) for operation in operations}
    routes = []
    for operation in operations:
        handler = handlers.pop(operation.operation_id, None)
        if handler is None:
            log.info("operation %s has no handler yet", operation.operation_id)
            continue
        routes.extend(http.routes(operation, handler, declared))
    for operation_id in handlers:
        log.warning("handler %s has no operation in the contract; not routed", operation_id)
    # The signed upload URL of /user/prepareupload is not a contract operation (it is opaque there).
    routes.extend(upload_routes.file_routes())

    services = create_services(settings)
    with services.db.write() as db:
        catalogue.seed(db, [domain.id for domain in settings.domains])

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        services.db.close()

    middleware = [Middleware(upload_routes.RememberApiBase)]
    if settings.faults:
        middleware.insert(
            0, Middleware(faults.FaultMiddleware, entries=faults.lookup(settings.faults))
        )
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=middleware,
        exception_handlers={HTTPException: http.not_found, Exception: http.internal_error},
    )
    app.state.services = services
    return app
