"""The production settings, with static files collected into the service tests' own folder.

collectstatic rewrites hashed files in place: run on the checkout's staticfiles/, it would pull
files from under any other process serving them at that moment (another test run, the benchmark).
"""

import os
from pathlib import Path

from compare_site.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["SERVICE_TESTS_STATIC_ROOT"])
