"""The fake over real HTTP: the ASGI app (`_adapters/asgi.py`) served by uvicorn.

`serve()` runs it in a background thread on a free loopback port, for tests and
scripts; `run()` runs it in the foreground for the `fake-assistants serve` command,
where uvicorn shuts down gracefully on SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from ._adapters.asgi import App, ConnectionDropped, endpoint_of
from ._fake import FakeAssistants

SDK_API_VERSION = "2025-04-01-preview"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
# Connections still busy when the server stops (a client holding a partial body or not
# reading a stream) get this long, then are closed: a stop never waits on a client.
GRACE = 2.0
BACKLOG = 2048  # uvicorn's default
MISSING = (
    "serving over HTTP needs uvicorn, which the 'server' extra brings: "
    "pip install 'fake-assistants[server]'"
)


def import_uvicorn() -> ModuleType:
    try:
        import uvicorn
    except ImportError as error:
        raise RuntimeError(MISSING) from error
    return uvicorn


def make_fake(resource: str = "local", state: Any = None, **options: Any) -> FakeAssistants:
    """A fake whose default resource is the one the server serves `/openai/...` as; with
    `state` (a snapshot file or dict, see `FakeAssistants.save`), in that state."""
    options.setdefault("endpoint", endpoint_of(resource))
    if state is not None:
        return FakeAssistants.load(state, **options)
    return FakeAssistants(**options)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket; port 0 picks a free one, so the URL is known at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it. asyncio sets it only on sockets made with
    # proto=IPPROTO_TCP; without it, Nagle and the client's delayed ACK add 40 ms to
    # every answer after the first on a kept-alive connection.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        # Listening now, so a client that connects as soon as the URL is printed waits
        # in the backlog until uvicorn accepts, instead of being refused.
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}"


def uvicorn_server(app: App, **config: Any) -> Any:
    uvicorn = import_uvicorn()
    settings: dict[str, Any] = dict(
        log_level="warning", lifespan="on", timeout_graceful_shutdown=GRACE, **config
    )
    made = uvicorn.Server(uvicorn.Config(app, **settings))  # Config sets up the loggers
    quiet_drops(logging.getLogger("uvicorn.error"))
    return made


class _NoDrops(logging.Filter):
    """Drops the traceback uvicorn logs for each connection a fault rule dropped (what
    the test asked for, not an error of the server) and for each request cut short by a
    stop (uvicorn says how many in one line before)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionDropped | asyncio.CancelledError)


def quiet_drops(logger: logging.Logger) -> None:
    if not any(isinstance(f, _NoDrops) for f in logger.filters):
        logger.addFilter(_NoDrops())


class Server:
    """A running server: `url` to point clients at, `fake` to script and inspect it."""

    def __init__(self, fake: FakeAssistants, resource: str = "local", host: str = "127.0.0.1"):
        self.fake = fake
        self.app = App(fake, resource)
        self._server = uvicorn_server(self.app)
        self._socket = bind(host, 0)  # after uvicorn is found, so no socket leaks
        self.url = url_of(self._socket)
        self._thread = threading.Thread(
            target=self._server.run, args=([self._socket],), name="fake-assistants-server"
        )

    def start(self) -> Server:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the fake-assistants server at {self.url} did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stops serving: open connections are closed, the thread ends, the port is freed."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT)
        self._socket.close()
        if self._thread.is_alive():
            raise RuntimeError(f"the fake-assistants server at {self.url} did not stop")


@contextmanager
def serve(*, resource: str = "local", host: str = "127.0.0.1", **options: Any) -> Iterator[Server]:
    """Serves a fresh fake (built with `options`, as `FakeAssistants` takes them) over
    HTTP on a free port of `host` until the block ends.

        with fake_assistants.serve(seed=1) as server:
            client = AzureOpenAI(azure_endpoint=server.url, api_key="any", api_version=...)
    """
    server = Server(make_fake(resource, **options), resource, host).start()
    try:
        yield server
    finally:
        server.stop()


def run(host: str, port: int, resource: str, **options: Any) -> None:
    """Serves in the foreground until SIGINT or SIGTERM (uvicorn's graceful shutdown)."""
    fake = make_fake(resource, **options)
    app = App(fake, resource)
    server = uvicorn_server(app)
    sock = bind(host, port)
    url = url_of(sock)
    print(f"fake-assistants serving {app.endpoint} at {url}", flush=True)
    print(
        "point the SDK at it: AzureOpenAI("
        f'azure_endpoint="{url}", api_key="{options.get("api_key") or "any"}", '
        f'api_version="{SDK_API_VERSION}")',
        flush=True,
    )
    print(f"other resources: {url}/resources/<name>  (Ctrl-C stops)", flush=True)
    try:
        server.run([sock])
    finally:
        sock.close()
