"""The bottom layer: what every app stands on and none of them owns.

Data versions and the triggers that move them, the caches keyed by them, rate limits, client
addresses, middleware, API support (conditional reads, errors, schema, pagination), which rows a
request may see, and the admin base. It imports no app of the site (an import-linter contract in
pyproject.toml keeps it so); apps hand it what it needs as arguments.
"""
