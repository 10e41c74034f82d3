"""One unit of work: the only module that commits or rolls back the database session.

A request is one transaction. It is committed once, after the view has answered
with a success (2xx or 3xx), and rolled back when the view raised or answered
with an error (4xx, 5xx). A view that shows a `DomainError` to the person
(form_errors.show_error and flash_error) calls `discard`: the attempt is undone
at once, so the page it renders shows what is really stored, and nothing written
later in that request is committed either. A whole-request rollback rather than
a savepoint around each service call, because the failed attempt is the only
thing such a request writes. The one refusal that is stored is the
login form's (auth/views.py shows it without discarding): the failed-attempt count.

Savepoints (`savepoint`) are for races: a twin request that won a unique
constraint, a row another coordinator changed. The loser's try is undone and the
request goes on (treating the twin as known) or reports the race.

CLI commands get the same rule from `command`; work that needs several short
transactions (outbox delivery: a claim must not wait on SMTP) runs each step in
`transaction()`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click
from flask import Flask, Response, has_request_context, request
from flask.cli import with_appcontext

from guidematch.extensions import db

_DISCARDED = "guidematch.unit_of_work.discarded"  # a key of the request's WSGI environ
_WRAPPED = "_unit_of_work_command"


def register(app: Flask) -> None:
    """Commit each request that succeeds and roll back each that fails."""
    app.after_request(_finish)
    app.teardown_request(_tear_down)


def _finish(response: Response) -> Response:
    if response.status_code >= 400 or request.environ.get(_DISCARDED):
        db.session.rollback()
    else:
        db.session.commit()  # a failing commit raises here and becomes a 500 page
    return response


def _tear_down(error: BaseException | None) -> None:
    # An unhandled exception skips `_finish` (tests propagate it; production renders the
    # 500 page first, which `_finish` rolls back): never leave its writes in the session.
    if error is not None:
        db.session.rollback()


def discard() -> None:
    """Undo what this request wrote so far, and commit nothing more in it."""
    db.session.rollback()
    if has_request_context():  # on the request, not `g`: it must not outlive this request
        request.environ[_DISCARDED] = True


def lock_for_writing() -> None:
    """Take the database's write lock now on SQLite (row locks do it on PostgreSQL).

    For a read that a later write depends on (a guide's capacity, services.seats):
    SQLite has no `FOR UPDATE`, and without this the transaction would begin only
    at the first write, after the read, and another writer could commit between.
    """
    _begin_sqlite_transaction()


@contextmanager
def savepoint() -> Iterator[None]:
    """Run a try in a savepoint: flushed on success, undone alone when it raises."""
    _begin_sqlite_transaction()
    with db.session.begin_nested():
        yield


def _begin_sqlite_transaction() -> None:
    # pysqlite (Python 3.11's legacy transaction control) sends BEGIN only before an
    # INSERT, UPDATE or DELETE. A SAVEPOINT sent before the request's first write would
    # be the outermost transaction, and its release would commit it at once, out of
    # reach of the request's rollback. So begin the real transaction first: IMMEDIATE,
    # because the savepoint is there to write (it takes the write lock now, waiting as
    # SQLite's busy timeout allows, instead of failing on a later lock upgrade).
    # PostgreSQL needs nothing: there a transaction is open from the first statement.
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.dbapi_connection
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")


@contextmanager
def transaction() -> Iterator[None]:
    """Run a block as a transaction of its own: commit at its end, roll back if it raises.

    What the session held before the block is part of it: call it between steps.
    """
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def command(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a CLI command's callback: one commit when it succeeds, a rollback when it fails."""
    if getattr(callback, _WRAPPED, False):  # create_app runs once per app; commands are global
        return callback

    @wraps(callback)
    def in_transaction(*args, **kwargs):
        with transaction():
            return callback(*args, **kwargs)
    # Outermost, so that the session it commits is the app context's (pushed if none is).
    wrapper = with_appcontext(in_transaction)
    setattr(wrapper, _WRAPPED, True)
    return wrapper


def wrap_commands(cmd: click.Command) -> click.Command:
    """Give `cmd` (and every command of a group) its unit of work; return it."""
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            wrap_commands(sub)
    elif cmd.callback is not None:
        cmd.callback = command(cmd.callback)
    return cmd
