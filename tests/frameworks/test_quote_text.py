"""Quotes keep their source's markup in the database and lose it on the page: real seed quotes."""

import pytest

from frameworks.quote_text import plain


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        (
            "Django has built-in protection against most types of CSRF attacks, providing you have "
            ":ref:`enabled and used it <using-csrf>` where appropriate.",
            "Django has built-in protection against most types of CSRF attacks, providing you have "
            "enabled and used it where appropriate.",
        ),
        (
            ":setting:`X_FRAME_OPTIONS` now defaults to ``'DENY'``.",
            "X_FRAME_OPTIONS now defaults to 'DENY'.",
        ),
        (
            "Routes, error handlers, before request, after request, and teardown functions can all be "
            "coroutine functions if Flask is installed with the ``async`` extra "
            "(``pip install flask[async]``).",
            "Routes, error handlers, before request, after request, and teardown functions can all be "
            "coroutine functions if Flask is installed with the async extra (pip install flask[async]).",
        ),
        (":doc:`ASGI </howto/deployment/asgi/index>`", "ASGI"),
        (":doc:`/topics/http/urls`", "urls"),
        (":attr:`~.User.is_staff`", "is_staff"),
        (":djadmin:`makemigrations`", "makemigrations"),
        (
            "use a migration library like `Alembic`_ with `Flask-Alembic`_ or `Flask-Migrate`_",
            "use a migration library like Alembic with Flask-Alembic or Flask-Migrate",
        ),
        (
            "It is [one of the fastest Python frameworks available, on par with **NodeJS** and **Go**]"
            "(https://github.com/encode/starlette#performance).",
            "It is one of the fastest Python frameworks available, on par with NodeJS and Go.",
        ),
        (
            "* **WebSocket** support.\n* In-process background tasks.",
            "• WebSocket support.\n• In-process background tasks.",
        ),
        ("Use `app.route` and *only* that.", "Use app.route and only that."),
    ],
)
def test_markup_is_taken_out_of_quotes(quote, shown):
    assert plain(quote) == shown


@pytest.mark.parametrize(
    "quote", ["5 * 3 is 15, and 2 * 2 is 4.", "def __init__(self): pass", "A plain sentence."]
)
def test_text_that_only_looks_like_markup_stays(quote):
    assert plain(quote) == quote
