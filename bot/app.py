"""The one place where everything is wired together: flows, storage, Telegram, web, sandbox.

``haven serve`` runs :func:`serve`. The mode follows the settings: with no token, **local**
mode serves the Bot API sandbox and a web chat on HOST:PORT, and the very same Application
talks HTTP to that sandbox; with a token, **polling** (or **webhook** when WEBHOOK_URL is set)
against TELEGRAM_API_URL. Every mode serves ``/healthz`` on HOST:PORT.

The hand-off desk runs in every mode: cases are answered in the staff group OPERATOR_CHAT_ID,
and the outbox's delivery runs beside the Application. Locally the sandbox holds a staff group
too, with one advocate (an admin), whom ``/staff`` lets you play in the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.analytics.recorder import Recorder
from bot.config import Settings
from bot.console.signing import ConsoleSigner
from bot.console.store import ConsoleStore
from bot.handoff import HandoffStore
from bot.handoff.canned import CANNED_REPLIES_FILE, CannedReplies
from bot.handoff.hours import WorkingHours
from bot.library import FlowLibrary
from bot.privacy import check_keys, load_keys
from bot.privacy.erasure import erase_person
from bot.privacy.retention import RetentionPolicy, run_sweeper
from bot.sandbox import Sandbox
from bot.sandbox.server import KEEP_ALIVE
from bot.storage import Storage
from bot.tg import (
    ALLOWED_UPDATES,
    Conversations,
    PerChatUpdateProcessor,
    Renderer,
    dialogue_handlers,
    preferred_flow,
    register_commands,
)
from bot.tg.console_command import CONSOLE_GROUP, console_handlers
from bot.tg.desk import (
    DeliveryHooksForDesk,
    Desk,
    DeskContext,
    DeskSettings,
    remind_overdue,
    staff_handlers,
)
from bot.tg.flood_limit import FloodLimit, FloodNotice
from bot.tg.outbox_delivery import OutboxDelivery
from bot.web.chat import chat_routes
from bot.web.console import console_routes
from bot.web.health import health_route
from bot.web.local_guard import local_guards
from bot.web.staff import staff_routes
from bot.web.webhook import webhook_route

__all__ = ["DEFAULT_FLOW", "LOCAL_TOKEN", "Runtime", "serve"]

log = logging.getLogger(__name__)

#: The token of local mode. Only the sandbox ever sees it; it is not a Telegram token.
LOCAL_TOKEN = "1000000001:HavenLocalSandboxTokenNotForTelegram00"
#: The flow /start opens, when the flows have it.
DEFAULT_FLOW = "start"
#: How often --watch-flows looks at the files.
WATCH_INTERVAL = 1.0
#: How often the desk looks for cases that wait too long.
OVERDUE_INTERVAL = 30.0
#: Local mode's staff group and its one advocate, in the sandbox.
LOCAL_STAFF_CHAT_ID = -1001000000001
LOCAL_ADVOCATE_ID = 1000000002
LOCAL_ADVOCATE_ALIAS = "Local advocate"


def utc_now() -> datetime:
    """The wall clock, for the adapters (the engine is handed this; it never reads a clock)."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """The wired parts of a running bot."""

    settings: Settings
    library: FlowLibrary
    storage: Storage
    application: Application  # type: ignore[type-arg]
    sandbox: Sandbox | None
    desk: Desk
    delivery: OutboxDelivery
    console: ConsoleStore
    console_url: str | None
    clock: Callable[[], datetime] = utc_now


def build_application(token: str, api_url: str, *, updater: bool) -> Application:  # type: ignore[type-arg]
    """A PTB Application for ``api_url``: rate limited, each chat's updates in order."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        # No group limit here: the staff group's messages are paced by the outbox's delivery,
        # which queues them durably instead of holding them in memory.
        .rate_limiter(AIORateLimiter(max_retries=3, group_max_rate=0))
        .concurrent_updates(PerChatUpdateProcessor())
    )
    if not updater:
        builder = builder.updater(None)
    return builder.build()


async def build_runtime(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Runtime:
    """Load the flows, build the Application for ``settings``' mode and open the database.

    Raises:
        ConfigError: The keys are missing (with a token) or the local key file is unusable.
    """
    keys = load_keys(settings)  # first: without keys nothing may be written
    library = FlowLibrary(settings.flows_dir, settings.locales_dir, clock)
    sandbox: Sandbox | None = None
    if settings.mode == "local":
        sandbox = Sandbox(token=LOCAL_TOKEN, bot_username="haven_local_bot")
        token, api_url = LOCAL_TOKEN, f"http://{_connect_host(settings.host)}:{settings.port}"
    else:
        assert settings.telegram_bot_token is not None
        token, api_url = settings.telegram_bot_token.get_secret_value(), settings.telegram_api_url
    application = build_application(token, api_url, updater=settings.mode != "webhook")
    canned = _canned_replies(settings)
    # The database last: nothing after it can fail and leave it open.
    storage = await Storage.open(
        settings.database_url,
        sealer=keys.sealer,
        migrate=settings.database_url.startswith("sqlite"),
    )
    try:
        await check_keys(storage)
    except BaseException:
        await storage.close()
        raise
    handoff = HandoffStore(storage, pseudonyms=keys.pseudonyms, clock=clock)
    staff_chat_id = settings.operator_chat_id
    if sandbox is not None:
        staff_chat_id = staff_chat_id or await _local_staff(sandbox, handoff, library.languages)
    elif staff_chat_id is None:
        log.warning("OPERATOR_CHAT_ID is not set: people asking for an advocate are told that "
                    "none can be reached")  # fmt: skip
    context = DeskContext(
        DeskSettings(
            staff_chat_id=staff_chat_id,
            staff_language=settings.staff_language,
            hours=WorkingHours.parse(settings.working_hours),
            overdue_after=timedelta(minutes=settings.handoff_overdue_minutes),
            follow_up_flow=settings.handoff_follow_up_flow,
        ),
        engine=lambda: library.engine,
        translator=library.translator,
        languages=library.languages,
        canned=canned,
        clock=clock,
    )
    desk = Desk(handoff, context)
    conversations = Conversations(
        storage,
        lambda: library.engine,
        Renderer(library.translator, library.languages),
        library.translator,
        library.languages,
        preferred_flow(DEFAULT_FLOW),  # asked of the current flows: it follows reloads
        clock,
        desk,
        erase=erase_person,
        recorder=Recorder(keys.pseudonyms),
    )
    console = ConsoleStore(handoff, ConsoleSigner(keys.signing), clock=clock)
    console_url = settings.console_url
    if console_url is None and sandbox is not None:
        console_url = api_url  # local mode: the console is served where the sandbox is
    # An operator's /console stops in its group; anyone else's goes on to the dialogue.
    application.add_handlers(
        console_handlers(console, console_url, library.translator, library.languages),
        group=CONSOLE_GROUP,
    )
    if staff_chat_id is not None:
        application.add_handlers(staff_handlers(desk, staff_chat_id))  # before the dialogue's
    application.add_handlers(dialogue_handlers(conversations, library.languages))
    application.add_error_handler(_log_error)

    processor = application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    processor.limit_floods(
        FloodLimit(*settings.flood_rate),
        FloodNotice(storage, library.translator, library.languages),
    )

    async def resume(chat_id: int, flow: str | None) -> None:
        async with processor.turn(chat_id):  # never beside a step of the same chat
            await conversations.resume(conversations.sender(application.bot), chat_id, flow)

    delivery = OutboxDelivery(
        handoff=handoff,
        bot=application.bot,
        staff_chat_id=staff_chat_id,
        staff_limit=settings.staff_limit,
        hooks=DeliveryHooksForDesk(context, resume),
    )
    desk.wake = delivery.wake
    return Runtime(
        settings,
        library,
        storage,
        application,
        sandbox,
        desk,
        delivery,
        console,
        console_url,
        clock,
    )


def _canned_replies(settings: Settings) -> CannedReplies:
    """The deployment's canned replies (none when it has no file)."""
    path = settings.locales_dir / CANNED_REPLIES_FILE
    return CannedReplies.load(path) if path.is_file() else CannedReplies({})


async def _local_staff(sandbox: Sandbox, handoff: HandoffStore, languages: tuple[str, ...]) -> int:
    """Local mode's staff group in the sandbox, and its one advocate (an admin)."""
    sandbox.supergroup(LOCAL_STAFF_CHAT_ID, "Haven advocates (local)", forum=True)
    sandbox.user(LOCAL_ADVOCATE_ID, "Advocate", language_code=languages[0])
    async with handoff.transaction() as tx:
        await tx.operators.add(
            LOCAL_ADVOCATE_ID, alias=LOCAL_ADVOCATE_ALIAS, languages=languages, role="admin"
        )
    return LOCAL_STAFF_CHAT_ID


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The type only: an exception's message may quote what the person wrote.
    log.error("update failed: %s", type(context.error).__name__)


def web_app(runtime: Runtime) -> Starlette:
    """The HTTP side: /healthz and the console always, the webhook in webhook mode, sandbox
    and chat locally."""
    settings = runtime.settings
    routes: list[BaseRoute] = [health_route(runtime.storage.ping)]
    routes.extend(
        console_routes(
            runtime.console,
            languages=runtime.library.languages,
            translator=runtime.library.translator,
            console_url=runtime.console_url,
            library=runtime.library,
            desk=runtime.desk,
        )
    )
    if settings.mode == "webhook":
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        path = urlsplit(settings.webhook_url).path or "/"
        secret = settings.webhook_secret.get_secret_value()
        routes.append(webhook_route(path, runtime.application, secret))
    middleware: list[Middleware] = []
    if runtime.sandbox is not None:
        library = runtime.library
        routes.extend(chat_routes(library.languages, translator=library.translator))
        staff_chat_id = runtime.desk.context.settings.staff_chat_id
        if staff_chat_id is not None:
            routes.extend(
                staff_routes(
                    staff_chat_id,
                    LOCAL_ADVOCATE_ID,
                    library.languages,
                    translator=library.translator,
                    handoff=runtime.desk.handoff,
                )
            )
        routes.append(Mount("/", app=runtime.sandbox.app))
        # Whoever reaches the sandbox acts as any user: keep other sites' pages out.
        middleware = local_guards(settings.host)
    return Starlette(routes=routes, middleware=middleware)


async def serve(
    settings: Settings,
    *,
    watch_flows: bool = False,
    stop: asyncio.Event | None = None,
    started: asyncio.Event | None = None,
) -> None:
    """Run the bot until ``stop`` is set (or SIGTERM/SIGINT); SIGHUP reloads the flows."""
    stop = stop or asyncio.Event()
    # The port first: when it is taken (OSError), nothing else has been opened yet.
    listening = _bind(settings.host, settings.port)
    try:
        runtime = await build_runtime(settings)
    except BaseException:
        listening.close()
        raise
    try:
        await _run(runtime, listening, watch_flows=watch_flows, stop=stop, started=started)
    finally:
        listening.close()
        await runtime.storage.close()


async def _run(
    runtime: Runtime,
    listening: socket.socket,
    *,
    watch_flows: bool,
    stop: asyncio.Event,
    started: asyncio.Event | None,
) -> None:
    settings, application = runtime.settings, runtime.application
    server = _Server(
        uvicorn.Config(
            web_app(runtime),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,  # access logs would hold chat ids in sandbox URLs
            lifespan="off",
            timeout_keep_alive=KEEP_ALIVE,  # local mode's bot reaches its sandbox here
        )
    )
    server_task = asyncio.create_task(server.serve(sockets=[listening]))
    remove_signals = _install_signals(stop, runtime.library)
    background = [asyncio.create_task(_sweep(runtime))]
    if watch_flows:
        background.append(asyncio.create_task(_watch(runtime.library)))
    try:
        while not server.started:
            if server_task.done():
                server_task.result()  # e.g. the port is taken: raise it here
                raise RuntimeError("the web server stopped at start")
            await asyncio.sleep(0.02)
        async with application:
            await _register_commands(runtime)
            await application.start()
            desk_tasks = [
                asyncio.create_task(runtime.delivery.run()),
                asyncio.create_task(_remind_overdue(runtime)),
            ]
            try:
                await _receive_updates(application, settings)
                log.info("haven is running in %s mode on %s:%d", settings.mode, settings.host,
                         settings.port)  # fmt: skip
                if started is not None:
                    started.set()
                await stop.wait()
                log.info("stopping")
            finally:
                # Also when the updates could not be set up: a running Application refuses
                # to shut down, and that error would hide the real one.
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
                # While the Bot can still make calls: the delivery finishes (and records) the
                # call in flight, so nothing is sent twice after a restart.
                await _cancel(desk_tasks)
    finally:
        remove_signals()
        for task in background:
            task.cancel()
        if runtime.sandbox is not None:
            await runtime.sandbox.close()  # release open web chat long polls at once
        server.should_exit = True
        with contextlib.suppress(Exception):
            await server_task


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel ``tasks`` and wait until they have ended."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _receive_updates(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Ask Telegram for updates: a webhook, or long polling. Only the types handled."""
    allowed = list(ALLOWED_UPDATES)
    if settings.mode == "webhook":
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=allowed,
        )
    else:
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0, timeout=10, allowed_updates=allowed
        )


async def _sweep(runtime: Runtime) -> None:
    """Delete what has outlived its retention period, at start and every hour (see
    :mod:`bot.privacy.retention`); topics of erased cases are deleted through the outbox."""
    await run_sweeper(
        runtime.storage,
        runtime.desk.handoff,
        RetentionPolicy.from_settings(runtime.settings),
        clock=runtime.clock,
        staff_chat_id=runtime.desk.context.settings.staff_chat_id,
        erased=runtime.desk.wake,
    )


async def _remind_overdue(runtime: Runtime) -> None:
    """Reassure people whose case waits too long for an advocate."""
    while True:
        try:
            if await remind_overdue(runtime.desk.handoff, runtime.desk.context):
                runtime.desk.wake()
        except Exception as error:  # the next round tries again
            log.warning("overdue reminders failed: %s", type(error).__name__)
        await asyncio.sleep(OVERDUE_INTERVAL)


async def _register_commands(runtime: Runtime) -> None:
    library = runtime.library
    try:
        await register_commands(runtime.application.bot, library.translator, library.languages)
    except Exception as error:  # a menu is a nicety: never a reason not to start
        log.warning("command menu not set: %s", type(error).__name__)


class _Server(uvicorn.Server):
    """uvicorn, minus its signal handling: ours stop the whole bot, not just the web server."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _install_signals(stop: asyncio.Event, library: FlowLibrary) -> Callable[[], None]:
    """SIGTERM/SIGINT stop, SIGHUP reloads; returns what removes the handlers again.

    Removing them matters when serve() returns inside a process that goes on (tests, an
    embedding host): Ctrl-C must not set a stop event nobody waits for any more.
    """
    loop = asyncio.get_running_loop()
    handlers = {signal.SIGTERM: stop.set, signal.SIGINT: stop.set, signal.SIGHUP: library.reload}
    installed: list[signal.Signals] = []
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on the main thread
        for signum, handler in handlers.items():
            loop.add_signal_handler(signum, handler)
            installed.append(signum)

    def remove() -> None:
        for signum in installed:
            loop.remove_signal_handler(signum)

    return remove


async def _watch(library: FlowLibrary) -> None:
    """Reload when a flow or catalog file changes (polling: no extra dependency).

    A look or a reload that fails is logged and tried again at the next change: the watcher
    never stops by itself (an invalid edit is refused by the reload, which logs why).
    """
    folders = [library.flows_dir, *([library.locales_dir] if library.locales_dir else [])]
    seen: dict[Path, float] | None = None
    while True:
        try:
            now = _snapshot(folders)
            if seen is not None and now != seen:
                library.reload()
            seen = now
        except Exception as error:
            log.error("flow reload attempt failed: %s", type(error).__name__)
        await asyncio.sleep(WATCH_INTERVAL)


def _snapshot(folders: list[Path]) -> dict[Path, float]:
    """The flow and catalog files under ``folders`` with their modification times."""
    found: dict[Path, float] = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix not in (".yaml", ".yml", ".po"):
                continue
            try:
                status = path.stat()
            except FileNotFoundError:  # removed (or renamed by an editor) since listed
                continue
            if stat.S_ISREG(status.st_mode):
                found[path] = status.st_mtime
    return found


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listening = socket.socket(family, kind, proto)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind(address)
    except OSError:
        listening.close()
        raise
    listening.set_inheritable(True)
    return listening


def _connect_host(host: str) -> str:
    """Where this process reaches its own server (a wildcard bind is reached on loopback)."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
