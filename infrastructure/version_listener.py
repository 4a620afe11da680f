"""On PostgreSQL, each process keeps the data versions in memory, told of every change by NOTIFY.

The version triggers (table_triggers.py) send a notification on NOTIFY_CHANNEL with each change, which
PostgreSQL delivers when the change commits. A thread in each process listens on a connection of
its own; on each notification it forgets what it knew (readers ask the database meanwhile), reads
the version table again and keeps the rows. A cached page then costs no database round trip.

Readers see what the database would give them, but for the moment a notification takes to come:
- While the listening connection is down, readers ask the database, as without a listener; the
  thread reconnects and reads the table afresh, so a change committed meanwhile is not missed.
- A heartbeat reads the table every HEARTBEAT_SECONDS, and TCP keepalives are on, so that a
  connection that died silently is found out.
- A request reads from memory until it changes a watched table, and never inside a transaction
  (which must see its own uncommitted changes). A request that changed one makes the process
  forget until the thread has read the table after it, and its answer waits until the change's
  own notification has come back (`serving_request`): a visitor who has just saved sees their
  change on the next page, whichever thread or process serves it.
- A change made elsewhere (another server, psql, a command) reaches this process as fast as
  PostgreSQL delivers the notification: well under a millisecond on an idle machine, up to about
  12 ms measured on a loaded one. A page asked for within that moment still shows the data
  from just before the change.

SQLite has no NOTIFY; its versions are read in-process, which costs about as little.
"""

import contextlib
import logging
import os
import select
import socket
import threading
from collections.abc import Iterator

import psycopg
from django.conf import settings
from django.db import connection

from .table_triggers import NOTIFY_CHANNEL, PG_TRIGGER_SUFFIX, VERSION_TABLE

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
# How long a request that changed watched rows waits for its change's notification to come back.
SETTLE_SECONDS = 0.25
APPLICATION_NAME = "compare_site version listener"
_READ_SQL = f"SELECT table_name, token, changed_at FROM {VERSION_TABLE}"
_WATCHED_SQL = (
    "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
    f"WHERE right(tgname, {len(PG_TRIGGER_SUFFIX)}) = '{PG_TRIGGER_SUFFIX}'"
)
_WRITES = ("INSERT", "UPDATE", "DELETE")
# Django's own connection parameters, less those that only Django's cursor understands.
_DJANGO_ONLY_PARAMETERS = ("context", "cursor_factory", "prepare_threshold", "server_side_binding")

Rows = tuple[tuple, ...]


class _Listener:
    def __init__(self, parameters: dict, retry_seconds: float):
        self.parameters = parameters
        self.retry_seconds = retry_seconds
        self.rows: Rows | None = None  # None: unknown, readers ask the database
        self.socket: int | None = None  # the listening connection's, while it is open
        self.heard = False  # a notification came while the table was being read: read it again
        self.notifications = 0  # how many have come: a writer waits for the one its change sends
        self.watched: frozenset[str] = frozenset()  # the tables whose triggers notify
        self.forgotten = 0  # how many times readers asked to forget; a read started before is stale
        self.lock = threading.Lock()  # between a read's check and its keeping, no forget slips in
        self.news = threading.Condition(self.lock)  # a read kept, or a notification come
        self.stopping = threading.Event()
        self.wake_reader, self.wake_writer = socket.socketpair()
        self.thread = threading.Thread(target=self.run, name="version-listener", daemon=True)

    def current(self) -> Rows | None:
        """The rows, unless a notification has arrived that this thread has not taken in yet: bytes
        waiting on the socket (a poll, no round trip) mean the rows may be out of date."""
        rows, listening = self.rows, self.socket
        if rows is None or listening is None:
            return None
        try:
            waiting, _, _ = select.select([listening], [], [], 0)
        except (OSError, ValueError):  # closed under us: the connection has just gone
            return None
        return None if waiting else rows

    def forget(self) -> None:
        with self.lock:
            self.rows = None
            self.forgotten += 1
        self.wake_writer.send(b"\0")

    def stop(self) -> None:
        self.stopping.set()
        self.wake_writer.send(b"\0")
        self.thread.join(timeout=5)
        self.rows = None
        self.wake_reader.close()
        self.wake_writer.close()

    def run(self) -> None:
        failing = False  # logged once per outage, not at every retry
        while not self.stopping.is_set():
            try:
                with psycopg.connect(**self.parameters, autocommit=True) as listening:
                    listening.add_notify_handler(self.hear)
                    listening.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.watched = frozenset(row[0] for row in listening.execute(_WATCHED_SQL))
                    try:
                        self.socket = listening.fileno()
                        self.read(listening)
                        if failing:
                            logger.warning("data version listener is listening again")
                        failing = False
                        self.follow(listening)
                    finally:  # before the connection closes: nobody polls a closed socket
                        self.rows, self.socket = None, None
            except (psycopg.Error, OSError) as error:
                if not failing and not self.stopping.is_set():
                    logger.warning("data version listener lost its connection (%s); reading versions "
                                   "from the database until it is back", error)  # fmt: skip
                failing = True
            self.stopping.wait(self.retry_seconds)

    def hear(self, _notification: psycopg.Notify) -> None:
        with self.news:
            self.rows, self.heard = None, True
            self.notifications += 1
            self.news.notify_all()

    def settle(self, heard_before: int) -> None:
        """After this process committed a change: wait (a little, at most) until the change's own
        notification has come and the table has been read again. Every listener was signalled at
        the same commit, so by then the other processes have heard it too, or are about to."""
        with self.news:
            self.news.wait_for(
                lambda: self.notifications > heard_before and self.rows is not None, SETTLE_SECONDS
            )

    def follow(self, listening: psycopg.Connection) -> None:
        """Read the table again after each notification, wake-up or heartbeat, until stopped or the
        connection fails. Reading takes in whatever waits on the socket (notifications, or the end
        of a closed connection, which raises)."""
        while not self.stopping.is_set():
            waiting, _, _ = select.select([self.socket, self.wake_reader], [], [], HEARTBEAT_SECONDS)
            if self.socket in waiting:
                self.rows = None
            with contextlib.suppress(BlockingIOError):
                self.wake_reader.recv(4096, socket.MSG_DONTWAIT)
            self.read(listening)

    def read(self, listening: psycopg.Connection) -> None:
        while True:
            self.heard, forgotten = False, self.forgotten
            rows = tuple(listening.execute(_READ_SQL).fetchall())
            with self.lock:
                # Nobody wrote and nothing was heard while this was read: it is current.
                if not self.heard and forgotten == self.forgotten:
                    self.rows = rows
                    self.news.notify_all()
                    return


_listener: _Listener | None = None
_listener_pid: int | None = None
_starting = threading.Lock()
_request = threading.local()  # the request this thread serves: `trusted`, and the `rows` it read


def known_rows() -> Rows | None:
    """The version table's rows as this request may take them without asking the database, or
    None: the rows it has already read, unless it has written since, else those this process
    knows on PostgreSQL, unless inside a transaction (which sees its own uncommitted changes).
    Never outside a request."""
    if not getattr(_request, "trusted", False):
        return None
    if _request.rows is None and not connection.in_atomic_block:
        listener = _own_listener()
        _request.rows = listener.current() if listener is not None else None
    return _request.rows


def read_in_request(rows: Rows) -> None:
    """The rows this request has just read from the database: it takes them again until it writes."""
    if getattr(_request, "trusted", False):
        _request.rows = rows


@contextlib.contextmanager
def serving_request() -> Iterator[None]:
    """Around each request. Until it writes, it reads the versions once (or takes them from memory
    on PostgreSQL); each write makes it read them again, and once it has changed a watched table it
    asks the database every time. If it changed one, this process forgets its versions (its other
    requests ask the database too) until the listener has read them again, and the answer waits
    until the change's own notification has come back (`_Listener.settle`)."""
    listener = _own_listener()
    watched = listener.watched if listener is not None else frozenset()
    heard_before = listener.notifications if listener is not None else 0
    wrote = []

    def observe(execute, sql, params, many, context):
        if sql[:6] in _WRITES:
            _request.rows = None
            # Django names the target table first, quoted: INSERT INTO "t", UPDATE "t", DELETE FROM "t".
            if not wrote and sql.partition('"')[2].partition('"')[0] in watched:
                wrote.append(True)
                _request.trusted = False
        return execute(sql, params, many, context)

    _request.trusted, _request.rows = True, None
    try:
        with connection.execute_wrapper(observe):
            yield
    finally:
        _request.trusted, _request.rows = False, None
    if wrote:
        listener.forget()
        listener.settle(heard_before)


def stop() -> None:
    """Stop listening (tests, before their database is dropped); the next reader may start again."""
    global _listener, _listener_pid
    with _starting:
        if _listener is not None and _listener_pid == os.getpid():
            _listener.stop()
        _listener, _listener_pid = None, None


def _own_listener() -> _Listener | None:
    return _listener if _listener_pid == os.getpid() else _start()


def _start() -> _Listener | None:
    global _listener, _listener_pid
    if connection.vendor != "postgresql" or not settings.VERSION_LISTENER:
        return None
    with _starting:
        # A forked worker inherits the parent's object but not its thread: it starts its own.
        if _listener is None or _listener_pid != os.getpid():
            _listener = _Listener(_listening_parameters(), settings.VERSION_LISTENER_RETRY_SECONDS)
            _listener_pid = os.getpid()
            _listener.thread.start()
    return _listener


def _listening_parameters() -> dict:
    parameters = connection.get_connection_params()
    for name in _DJANGO_ONLY_PARAMETERS:
        parameters.pop(name, None)
    return {
        **parameters,
        "application_name": APPLICATION_NAME,
        # A connection that died without a word (a dropped network) is found out in seconds.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "connect_timeout": 5,
    }
