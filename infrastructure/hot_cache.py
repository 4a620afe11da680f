"""Hot answers kept in this process, in front of the shared cache: a hit costs no round trip to Redis.

Encoded answers (a page's bytes, an API answer's bytes and content type, a verdict's JSON) are kept
here as well as in the shared cache (local memory, or Redis across servers), under the same
`cache_key` strings. Those keys name the data version an answer was built from, so an entry never
goes stale: an edit makes a new key, and the old entry is pushed out as the least recently used.

The process keeps at most HOT_CACHE_BYTES of them (0 keeps none); an answer larger than
1/LARGEST_SHARE of that stays in the shared cache only, so that one big answer cannot push out many
hot ones. Each entry expires after the seconds it was given, as in the shared cache; one filled from
the shared cache lives that long from then. The gunicorn workers run several threads: one lock
guards the entries, and nothing is built while it is held.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

# What may be kept: bytes or text whose size can be counted, alone or a few in a tuple.
Answer = bytes | str | tuple[bytes | str, ...]

# An answer larger than this share of the bound is not kept in process.
LARGEST_SHARE = 16


class _Entries:
    """Least recently used first; each entry is (answer, size, expires at on the monotonic clock)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[Answer, int, float]] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> Answer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[2] <= time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: str, answer: Answer, seconds: float, bound: int) -> None:
        size = len(key) + size_of(answer)
        if size > bound // LARGEST_SHARE:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            while self._entries and self.size + size > bound:
                self._drop(next(iter(self._entries)))
            self._entries[key] = (answer, size, time.monotonic() + seconds)
            self.size += size

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        self.size -= self._entries.pop(key)[1]


_entries = _Entries()


def size_of(answer: Answer) -> int:
    """The bytes an answer holds; TypeError for anything else, whose size cannot be counted."""
    parts = answer if isinstance(answer, tuple) else (answer,)
    size = 0
    for part in parts:
        if isinstance(part, bytes):
            size += len(part)
        elif isinstance(part, str):
            size += len(part.encode())
        else:
            raise TypeError(f"only bytes and text are kept in process, not {type(part).__name__}")
    return size


def read(key: str, seconds: float) -> Answer | None:
    """The answer kept under `key`: from this process, else from the shared cache (then kept here
    for `seconds`, the timeout it was given there), else None."""
    answer = _entries.get(key)
    if answer is not None:
        return answer
    answer = cache.get(key)
    if answer is not None:
        _keep_in_process(key, answer, seconds)
    return answer


def keep(key: str, answer: Answer, seconds: float) -> None:
    """Keep `answer` under `key` for `seconds`, here and in the shared cache."""
    size_of(answer)  # refused before either layer keeps it
    cache.set(key, answer, seconds)
    _keep_in_process(key, answer, seconds)


def get_or_build(key: str, build: Callable[[], Answer], seconds: float) -> Answer:
    """The answer under `key`, or `build()`'s, then kept in both layers for `seconds`."""
    answer = read(key, seconds)
    if answer is None:
        answer = build()
        keep(key, answer, seconds)
    return answer


def kept_in_process() -> list[str]:
    """The keys this process holds, least recently used first."""
    return _entries.keys()


def bytes_in_process() -> int:
    return _entries.size


def forget_in_process() -> None:
    _entries.clear()


def _keep_in_process(key: str, answer: Answer, seconds: float) -> None:
    bound = settings.HOT_CACHE_BYTES
    if bound > 0:
        _entries.put(key, answer, seconds, bound)
