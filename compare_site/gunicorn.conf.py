"""gunicorn's settings for production and the benchmarks:

    gunicorn --config compare_site/gunicorn.conf.py --bind 0.0.0.0:8000

The command line and GUNICORN_CMD_ARGS override anything here. The listen backlog stays at
gunicorn's 2048 pending connections and the worker timeout at its 30 s: `make load` (64
connections on 2 cores) needs neither raised.
"""

import os

wsgi_app = "compare_site.wsgi"

# A request spends part of its time waiting on PostgreSQL and Redis, so each worker runs a few
# threads to keep its core busy meanwhile, and one worker more than cores covers the rest. Threaded
# workers also keep client connections open between requests (sync workers close each one). Each
# thread holds its own database connection (DB_CONN_MAX_AGE): workers x threads, 12 on 2 cores.
# WEB_CONCURRENCY, gunicorn's usual variable, sets the number of workers.
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = 4

# gunicorn 27's control socket lives at one fixed path per user, which two instances on one
# machine (a second app server, the tests' instances) would fight over; nothing here uses it.
control_socket_disable = True
