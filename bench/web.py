"""Benchmark the coordinator pages at city scale, served by gunicorn on PostgreSQL and SQLite.

    python bench/web.py                       # the issue's size, both databases (long)
    python bench/web.py --size small --db sqlite --requests 20   # a quick try
    python bench/web.py --db postgresql --keep      # keep the built database, print its URL
    python bench/web.py --reuse URL                 # measure a kept database again, no build

For each database: a fresh database is migrated and filled by bench/dataset.py
(through the app's services; the time it takes is printed), gunicorn serves
`wsgi:app` on it, and a logged-in coordinator of the biggest branch requests
every coordinator page --requests times in a row, after three warm-up requests.
Printed per page: p50 and p95 in ms, bytes of HTML, SQL queries per request
(counted in this process with the Flask test client on the same database: one
request after a warm-up), and the p95 as a multiple of the run's baseline, `/healthz`
timed the same way first (gunicorn and one `SELECT 1`, no page: what the machine's
noise does to every request). Then the summary line
`web pages=N worst_p95_ms=.. worst_page=.. max_queries=.. max_kb=.. worst_p95_x_baseline=.. db=...`.
The goal (issue 11): p95 <= 200 ms on PostgreSQL for every page, HTML <= 300 KB.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"full": 1.0, "medium": 0.25, "small": 0.05, "tiny": 0.01}
PG_SERVER = os.environ.get("GUIDEMATCH_BENCH_POSTGRES",
                           "postgresql:///postgres?host=/var/run/postgresql")
GOAL_MS, GOAL_BYTES = 200, 300_000


def _pg_url(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_SERVER).set(drivername="postgresql+psycopg", database=database) \
        .render_as_string(hide_password=False)


def _pg_admin(sql: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(_pg_url(make_url(PG_SERVER).database or "postgres"),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _app(url: str, **extra):
    from guidematch import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "RATELIMIT_ENABLED": False, "MAIL_SERVER": "", **extra})


def build_database(url: str, scale: float) -> tuple[str, float]:
    """Migrate and fill the database; return the biggest branch's coordinator and the seconds."""
    from flask_migrate import upgrade

    from bench import dataset

    app = _app(url)
    with app.app_context():
        upgrade()
        built = dataset.build(scale, progress=lambda text: print("  built", text, flush=True))
    counts = ", ".join(f"{k}={v}" for k, v in sorted(built.counts.items()))
    print(f"  data set: {counts}")
    print(f"  building took {built.seconds:.0f} s")
    return built.coordinators[dataset.SHAPE[0][0]], built.seconds


def _coordinator() -> str:
    """The biggest branch's coordinator in a database built before (--reuse)."""
    from bench import dataset

    return dataset.coordinator_email(dataset.SHAPE[0][0])


def pages(url: str, email: str) -> list[tuple[str, str]]:
    """Return (name, path) of every coordinator page to measure, ids from the biggest branch."""
    from sqlalchemy import func, select

    from guidematch.extensions import db
    from guidematch.models import (
        Campaign, GroupMeeting, Guide, MeetingLog, OutboxMessage, Pairing, Refugee, User,
    )
    from guidematch.vocabulary import GuideStatus, PairingStatus, RefugeeStatus

    app = _app(url)
    with app.app_context():
        branch_id = db.session.scalar(select(User.branch_id).where(User.email == email))

        def first(column, *where):
            return db.session.scalar(select(column).where(*where).order_by(column).limit(1))

        guide = first(Guide.id, Guide.branch_id == branch_id, Guide.status == GuideStatus.PAIRED)
        refugee = first(Refugee.id, Refugee.branch_id == branch_id)
        waiting = first(Refugee.id, Refugee.branch_id == branch_id,
                        Refugee.status == RefugeeStatus.WAITING)
        free = first(Guide.id, Guide.branch_id == branch_id, Guide.status == GuideStatus.AVAILABLE)
        applicant = first(Guide.id, Guide.branch_id == branch_id,
                          Guide.status == GuideStatus.APPLIED)
        pairing = db.session.scalar(
            select(Pairing.id).join(MeetingLog, MeetingLog.pairing_id == Pairing.id)
            .where(Pairing.branch_id == branch_id, Pairing.status == PairingStatus.ACTIVE)
            .group_by(Pairing.id).order_by(func.count().desc()).limit(1))
        meeting = db.session.scalar(select(GroupMeeting.id).where(GroupMeeting.branch_id == branch_id)
                                    .order_by(GroupMeeting.starts_at).limit(1))
        message = first(OutboxMessage.id, OutboxMessage.branch_id == branch_id)
        campaign = first(Campaign.id, Campaign.branch_id == branch_id)
    listed = [
        ("dashboard", "/"),
        ("guides", "/guides"),
        ("guides available", "/guides?status=available"),
        ("guides arabic by age", "/guides?language=ar&sort=age&dir=desc"),
        ("guides page 5", "/guides?page=5"),
        ("refugees", "/refugees"),
        ("refugees waiting men", "/refugees?status=waiting&gender=male"),
        ("refugees search", "/refugees?q=Andrii"),
        ("refugees by name page 40", "/refugees?sort=name&page=40"),
        ("guide page", f"/guides/{guide}"),
        ("refugee page", f"/refugees/{refugee}"),
        ("guide edit", f"/guides/{guide}/edit"),
        ("applicants", "/applicants"),
        ("matching", "/matching"),
        ("pair by hand", f"/matching/pair?guide_id={free}&refugee_id={waiting}"),
        ("pairings at risk", "/pairings"),
        ("pairings active", "/pairings?tab=active"),
        ("pairings active page 3", "/pairings?tab=active&page=3"),
        ("pairings awaiting", "/pairings?tab=awaiting_agreement"),
        ("pairings proposed", "/pairings?tab=proposed"),
        ("pairings completed", "/pairings?tab=completed"),
        ("pairing page", f"/pairings/{pairing}"),
        ("group meetings", "/meetings"),
        ("attendance", f"/meetings/{meeting}"),
        ("outbox", "/outbox"),
        ("outbox message", f"/outbox/{message}"),
        ("settings", "/settings"),
        ("referral link", "/referral-link"),
        ("import", "/import"),
        ("reports this year", "/reports?period=this_year"),
        ("reports last quarter", "/reports?period=last_quarter"),
        ("campaigns", "/campaigns"),
        ("campaign page", f"/campaigns/{campaign}"),
        ("audit log", "/audit"),
        ("audit log of a guide", f"/audit?guide={guide}"),
    ]
    if applicant:
        listed.append(("applicant review", f"/applicants/{applicant}"))
    return listed


def count_queries(url: str, email: str, listed: list[tuple[str, str]]) -> dict[str, int]:
    """Return the SQL queries one request of each page runs (in-process, same database)."""
    from sqlalchemy import event

    from bench import dataset
    from guidematch.extensions import db

    app = _app(url, WTF_CSRF_ENABLED=False)
    counts: dict[str, int] = {}
    with app.app_context():
        client = app.test_client()
        login = {"email": email, "password": dataset.PASSWORD}
        assert client.post("/login", data=login).status_code == 302
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            seen.append(statement)

        for name, path in listed:
            client.get(path)  # warm caches, as the served pages are warm
            seen.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                status = client.get(path).status_code
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
            assert status == 200, f"{path} answered {status}"
            counts[name] = len(seen)
    return counts


class Browser:
    """A coordinator's browser: cookies, and the CSRF token of the last page."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read()

    def post(self, path: str, form: dict, token_from: str) -> bytes:
        page = self.get(token_from).decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**form, "csrf_token": token}, doseq=True).encode()
        with self.opener.open(self.base + path, data=data, timeout=600) as response:
            return response.read()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on the database; return the process and its base URL once it answers."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16),
           "RATELIMIT_STORAGE_URI": "memory://", "MAIL_SERVER": ""}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def measure(base: str, email: str, listed, queries, requests: int) -> tuple[dict, list[dict]]:
    """Request every page `requests` times; return the baseline's figures and a row per page."""
    from bench import dataset
    from guidematch.vocabulary import DEFAULT_WEIGHTS

    browser = Browser(base)
    browser.post("/login", {"email": email, "password": dataset.PASSWORD}, "/login")
    # The baseline of this run: a request through gunicorn that asks the database `SELECT 1`
    # and renders no page. Each page's p95 is printed as a multiple of its p95 too.
    baseline = _timed(browser, "baseline: /healthz", "/healthz", requests, 1)
    rows = []
    for name, path in listed:
        rows.append(_timed(browser, name, path, requests, queries.get(name), baseline["p95"]))
    # The matching page after a run of the whole branch, as a coordinator runs it.
    began = time.perf_counter()
    weights = {f"weight_{part}": weight for part, weight in DEFAULT_WEIGHTS.items()}
    everyone = {"refugee_scope": "all", "guide_scope": "all", **weights}
    browser.post("/matching/run", everyone, "/matching")
    print(f"  a matching run of the whole branch took {time.perf_counter() - began:.2f} s")
    rows.append(_timed(browser, "matching after a run", "/matching", requests,
                       queries.get("matching"), baseline["p95"]))
    return baseline, rows


def _timed(browser: Browser, name: str, path: str, requests: int, queries: int | None,
           baseline_p95: float | None = None) -> dict:
    for _ in range(3):
        body = browser.get(path)
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        body = browser.get(path)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    row = {"page": name, "path": path, "p50": statistics.median(times), "p95": p95,
           "bytes": len(body), "queries": queries}
    flag = " !" if p95 > GOAL_MS or len(body) > GOAL_BYTES else ""
    ratio = f"  {p95 / baseline_p95:5.1f} x baseline" if baseline_p95 else ""
    print(f"  {name:28} p50 {row['p50']:7.1f} ms  p95 {p95:7.1f} ms  {len(body):8d} B  "
          f"{queries if queries is not None else '?':>4} queries{ratio}{flag}", flush=True)
    return row


def run_one(db_kind: str, scale: float, requests: int, workers: int,
            keep: bool = False, reuse: str = "") -> str:
    print(f"== {db_kind} (scale {scale})" + (f" on {reuse}" if reuse else ""), flush=True)
    name = ""
    if reuse:
        url = reuse
    elif db_kind == "postgresql":
        name = f"guidematch_bench_{secrets.token_hex(4)}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        url = _pg_url(name)
    else:
        folder = tempfile.mkdtemp(prefix="guidematch-bench-")
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
    process = None
    try:
        email = _coordinator() if reuse else build_database(url, scale)[0]
        if keep:
            print(f"  kept: --reuse '{url}'", flush=True)
        listed = pages(url, email)
        queries = count_queries(url, email, listed)
        process, base = serve(url, workers)
        baseline, rows = measure(base, email, listed, queries, requests)
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if name and not keep:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    worst = max(rows, key=lambda r: r["p95"])
    worst_page = worst["page"].replace(" ", "_")
    line = (f"web pages={len(rows)} worst_p95_ms={worst['p95']:.0f} worst_page={worst_page} "
            f"max_queries={max(r['queries'] or 0 for r in rows)} "
            f"max_kb={max(r['bytes'] for r in rows) / 1000:.0f} "
            f"worst_p95_x_baseline={worst['p95'] / baseline['p95']:.1f} db={db_kind}")
    print(line, flush=True)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full",
                        help="full: the issue's data set; small: 1/20 of it, for a quick try")
    parser.add_argument("--db", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--requests", type=int, default=50,
                        help="timed requests per page (>= 50 for p95)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true",
                        help="keep the built database and print the URL for --reuse")
    parser.add_argument("--reuse", metavar="URL", default="",
                        help="measure a database kept by --keep (no build; --db names its kind)")
    args = parser.parse_args()
    kinds = ("postgresql", "sqlite") if args.db == "both" else (args.db,)
    if args.reuse and len(kinds) > 1:
        parser.error("--reuse measures one database: give --db postgresql or --db sqlite")
    lines = [run_one(kind, SIZES[args.size], args.requests, args.workers, args.keep, args.reuse)
             for kind in kinds]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
