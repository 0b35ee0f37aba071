"""Serving an ASGI app with uvicorn inside the caller's event loop, on loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp

__all__ = ["KEEP_ALIVE", "serve_app"]

_STARTUP_TIMEOUT = 10.0
#: How long an idle keep-alive connection stays open, in seconds (uvicorn's default is 5).
KEEP_ALIVE = 75


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that the host stops, promptly, instead of a signal.

    uvicorn normally takes over SIGINT/SIGTERM; embedded in tests or in local mode, the host
    (pytest, ``haven serve``) owns shutdown and calls :meth:`stop`. Its main loop also wakes
    on :meth:`stop` rather than on its next 0.1 s tick, which adds up over a test suite.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._stopping = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000  # uvicorn's own wrap-around (a day of ticks)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), 0.1)

    def stop(self) -> None:
        """Ask the server to shut down gracefully."""
        self.should_exit = True
        self._stopping.set()


async def _run(server: uvicorn.Server) -> None:
    try:
        await server.serve()
    except SystemExit as exc:
        # uvicorn exits the process when it cannot bind; that must not end the host's loop.
        raise RuntimeError("the sandbox server could not start") from exc


@contextlib.asynccontextmanager
async def serve_app(app: ASGIApp, host: str, port: int) -> AsyncIterator[str]:
    """Serve ``app`` until the block ends; yield its base URL, e.g. ``http://127.0.0.1:PORT``.

    Args:
        app: The ASGI application.
        host: The interface to listen on (loopback: the sandbox is for this machine only).
        port: The port; 0 picks a free one.

    Raises:
        RuntimeError: The server did not start.
    """
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        log_level="warning",
        # Request lines can carry chat content in query strings: never log them.
        access_log=False,
        timeout_graceful_shutdown=2,
        # Longer than a client keeps an idle connection (httpx, under PTB: 5 s). With equal
        # times the server may close a connection just as the client reuses it, and that call
        # fails with a network error for no reason.
        timeout_keep_alive=KEEP_ALIVE,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(_run(server), name="sandbox-server")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _STARTUP_TIMEOUT
    while not server.started:
        if task.done():
            task.result()  # raises why it stopped
            raise RuntimeError("the sandbox server stopped during startup")
        if loop.time() > deadline:
            server.stop()
            await task
            raise RuntimeError("the sandbox server did not start in time")
        await asyncio.sleep(0.005)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 literal needs brackets
    try:
        yield f"http://{netloc}:{bound_port}"
    finally:
        server.stop()
        await task
