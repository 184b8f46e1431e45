"""The server tests' network guard lets loopback through and nothing else."""

from __future__ import annotations

import socket

import pytest


@pytest.mark.parametrize("host", ["example.com", "10.0.0.1", "8.8.8.8", "res.openai.azure.com"])
def test_other_hosts_are_refused(host: str) -> None:
    with pytest.raises(AssertionError, match="non-loopback"):
        socket.getaddrinfo(host, 443)
    with pytest.raises(AssertionError, match="non-loopback"):
        socket.create_connection((host, 443), timeout=1)
    with socket.socket() as sock, pytest.raises(AssertionError, match="non-loopback"):
        sock.connect((host, 443))
    with socket.socket() as sock, pytest.raises(AssertionError, match="non-loopback"):
        sock.connect_ex((host, 443))


def test_loopback_is_let_through() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        assert socket.getaddrinfo("127.0.0.1", port)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        with socket.socket() as sock:
            sock.settimeout(5)
            sock.connect(("127.0.0.1", port))
