"""HTTP requests bounded as a whole by one deadline, without threads.

A socket's timeout bounds each read, not an answer: a server sending its status
line, headers or body a byte at a time, each within the timeout, holds the
caller as long as it likes. Here every read of the answer, and the connection
(the TLS handshake included), is given what is left of one deadline as its
timeout; past the deadline the next read fails with ``TimeoutError``
(``requests.Timeout`` through requests, ``urllib3`` ``ReadTimeoutError`` while
the body is streamed).

Not covered: resolving the host name (``getaddrinfo`` takes no timeout), and a
host with several addresses gets what is left for each connection attempt.
"""

import contextlib
import functools
import http.client
import io
import time

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: The shortest timeout given to a socket operation (0 would make it non-blocking).
MIN_TIMEOUT = 0.001


def time_left(deadline):
    """Seconds left until ``deadline`` (``time.monotonic()``), at least MIN_TIMEOUT."""
    return max(deadline - time.monotonic(), MIN_TIMEOUT)


class _DeadlineReader(io.RawIOBase):
    """The answer's socket read with what is left of the deadline as the timeout
    of each read; past the deadline, ``TimeoutError``. Reads through the
    socket's own file (``SocketIO``), which keeps the socket open while the
    answer is read after the connection let it go (``Connection: close``)."""

    def __init__(self, sock, deadline):
        super().__init__()
        self._sock = sock
        self._file = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self):
        return True

    def readinto(self, buffer):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the deadline of the request has passed")
        self._sock.settimeout(left)
        return self._file.readinto(buffer)

    def close(self):
        if not self.closed:
            self._file.close()
        return super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    """http.client's answer (status line, headers, body) read through a
    ``_DeadlineReader``."""

    def __init__(self, sock, *args, deadline, **kwargs):
        super().__init__(sock, *args, **kwargs)
        made = self.fp
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline))
        made.close()  # http.client's own file of the socket, unread


class _DeadlineConnectionMixin:
    """Connects within what is left of ``deadline`` (set by the pool), gives the
    socket what is left for the TLS handshake and the request, and reads the
    answers (a proxy's to CONNECT too) as ``_DeadlineResponse``."""

    deadline = None

    def _new_conn(self):
        self.timeout = time_left(self.deadline)
        sock = super()._new_conn()
        sock.settimeout(time_left(self.deadline))
        self.response_class = functools.partial(_DeadlineResponse, deadline=self.deadline)
        return sock


class _DeadlineHTTPConnection(_DeadlineConnectionMixin, HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineConnectionMixin, HTTPSConnection):
    pass


class _DeadlinePoolMixin:
    def __init__(self, *args, deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def _new_conn(self):
        conn = super()._new_conn()  # not connected yet
        conn.deadline = self.deadline
        return conn


class _DeadlineHTTPConnectionPool(_DeadlinePoolMixin, HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSConnectionPool(_DeadlinePoolMixin, HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections, direct or through an HTTP(S) proxy,
    all work to one ``deadline`` (``time.monotonic()``). No retries. SOCKS
    proxies keep urllib3's own connections (a timeout per read)."""

    def __init__(self, deadline):
        self.deadline = deadline
        super().__init__(max_retries=0)

    def _deadline_pools(self, manager):
        manager.pool_classes_by_scheme = {
            "http": functools.partial(_DeadlineHTTPConnectionPool, deadline=self.deadline),
            "https": functools.partial(_DeadlineHTTPSConnectionPool, deadline=self.deadline),
        }
        return manager

    def init_poolmanager(self, *args, **kwargs):
        result = super().init_poolmanager(*args, **kwargs)
        self._deadline_pools(self.poolmanager)
        return result

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, urllib3.ProxyManager):
            self._deadline_pools(manager)
        return manager


@contextlib.contextmanager
def post(url, deadline, **kwargs):
    """``requests.post`` whose whole exchange ends by ``deadline``
    (``time.monotonic()``), as a context manager giving the answer: its body
    is streamed (read it within the ``with``)."""
    with requests.Session() as session:
        adapter = DeadlineAdapter(deadline)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        left = time_left(deadline)
        with session.post(url, timeout=(left, left), stream=True, **kwargs) as response:
            yield response
