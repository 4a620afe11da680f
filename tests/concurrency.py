"""Racing threads, for tests that check a counter counts every concurrent call once."""

import threading
from collections.abc import Callable


def results_of_racing_threads(work: Callable[[], list], threads: int = 8) -> list:
    """Every result of `work` run in `threads` threads started together, in no particular order."""
    results, lock = [], threading.Lock()

    def run():
        mine = work()
        with lock:
            results.extend(mine)

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return results
