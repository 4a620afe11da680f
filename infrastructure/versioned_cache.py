"""Values built from the database, kept under a key that names the data version they came from.

Two layers: this process keeps the latest value of each kind as it is (no unpickling), and the
shared cache (local memory, or Redis across servers) keeps it for other processes. A key names its
data version, so nothing is ever invalidated: an edit makes a new key and the next reader builds.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from . import hot_cache
from .data_versions import cache_key

T = TypeVar("T")

# How long a built value stays in the shared cache; any edit makes a new key long before this.
SHARED_SECONDS = 24 * 3600

_in_process: dict[str, tuple[str, object]] = {}


def remember(kind: str, version: str, build: Callable[[], T]) -> T:
    """The value of `kind` built from the data at `version` (a DataVersion's token): from this
    process, the shared cache, or `build()`."""
    kept = _in_process.get(kind)
    if kept is not None and kept[0] == version:
        return kept[1]
    key = cache_key(kind, version)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, SHARED_SECONDS)
    _in_process[kind] = (version, value)
    return value


def forget_in_process() -> None:
    """Drop this process's copies, the hot answers' too. Tests roll back, and a rolled-back id can
    come round again."""
    _in_process.clear()
    hot_cache.forget_in_process()
