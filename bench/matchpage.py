"""Benchmark the matching page at city scale: 2,000 waiting refugees and 821 free guides.

    .venv/bin/python bench/matchpage.py                       # SQLite in a temporary folder
    .venv/bin/python bench/matchpage.py --database postgresql:///postgres?host=/var/run/postgresql

Builds one branch through the app's own services (people.create_person, as the
forms and the import do), logs a coordinator in, and through the Flask test
client times (p50 / max over --repeat requests) the page before a run, the run
(the POST, end to end: load, solve, explain who waits and why, save), the page
after it (first page, and a later page with filters), a pair preview and a
people search; with the HTML size and the SQL queries of each. It ends with a
summary line `matchpage run_s=.. page_ms=.. page_kb=.. queries=.. db=..`.
Issue 11's goal for the run: under 10 s at this size.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TODAY = date(2026, 11, 2)
FIRST = ("Andrii", "Ahmad", "Amal", "Huda", "Omar", "Rania", "Olena", "Mohammed", "Fatima",
         "Yonas", "Semhar", "Ali", "Maryam", "Dmytro", "Iryna", "Abdi", "Hodan", "Sara")
LAST = ("Бойко", "Haddad", "Karimi", "Salem", "Tesfay", "Shevchenko", "Ahmadi", "Hassan",
        "Mohamud", "Kovalenko", "Nguyen", "Yusuf")
GUIDE_FIRST = ("Kari", "Ola", "Ingrid", "Per", "Sigrid", "Lars", "Marit", "Erik", "Astrid", "Nils")
GUIDE_LAST = ("Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakken")


def _config(url: str) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "MAIL_SERVER": "",
            "SERVER_NAME": "localhost"}


def _postgres(server: str) -> tuple[str, callable]:
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(server).set(drivername="postgresql+psycopg")
    name = f"guidematch_bench_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return base.set(database=name).render_as_string(hide_password=False), drop


def build(guides: int, refugees: int, seed: int = 1):
    """Fill one branch through the services; return (branch id, coordinator email, seconds)."""
    from guidematch.extensions import db
    from guidematch.matching.synthetic import profiles
    from guidematch.models import Branch, User
    from guidematch.services import people
    from guidematch.vocabulary import GuideStatus, Role

    started = time.perf_counter()
    rng = random.Random(seed)
    branch = Branch(slug="tromso", name="Tromsø",
                    districts=["Tromsøya", "Kvaløya", "Tromsdalen", "Kroken", "Hamna"])
    db.session.add(branch)
    db.session.flush()
    user = User(email="bench@example.org", name="Bench Coordinator", role=Role.COORDINATOR,
                branch=branch)
    user.set_password("bench password 1")
    db.session.add(user)
    guide_records, refugee_records = profiles(guides, refugees, seed=seed, today=TODAY)
    for k, record in enumerate(guide_records):
        values = people.record_values(record, today=TODAY)
        values.pop("ref", None)
        values.update(first_name=rng.choice(GUIDE_FIRST), last_name=rng.choice(GUIDE_LAST),
                      email=f"guide{k}@example.org", status=GuideStatus.AVAILABLE,
                      interview_on=date(2026, 1, 10), intro_course_on=date(2026, 1, 20),
                      confidentiality_signed_on=date(2026, 1, 20))
        people.create_person(branch, "guide", values, TODAY, action=None)
    for k, record in enumerate(refugee_records):
        values = people.record_values(record, today=TODAY)
        values.pop("ref", None)
        values.update(first_name=rng.choice(FIRST), last_name=rng.choice(LAST),
                      email=f"refugee{k}@example.org")
        people.create_person(branch, "refugee", values, TODAY, action=None)
    db.session.commit()
    return branch.id, user.email, time.perf_counter() - started


def _measure(client, db, method: str, url: str, repeat: int, **data) -> dict:
    from sqlalchemy import event

    times, queries, size = [], [], 0
    for _ in range(repeat):
        found = []

        def count(*_args):
            found.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = getattr(client, method)(url, data=data or None)
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code < 400, (url, response.status_code)
        times.append(elapsed)
        queries.append(len(found))
        size = len(response.get_data())
    return {"p50_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000,
            "kb": size / 1024, "queries": max(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=821)
    parser.add_argument("--refugees", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="", help="a PostgreSQL server URL (default SQLite)")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from guidematch import create_app
    from guidematch.extensions import db
    from guidematch.services import clock

    clock.today = lambda: TODAY  # the synthetic waiting times are counted from TODAY
    folder = tempfile.TemporaryDirectory()
    drop = None
    if args.database:
        url, drop = _postgres(args.database)
    else:
        url = f"sqlite:///{os.path.join(folder.name, 'bench.sqlite')}"
    app = create_app(_config(url))
    kind = "postgresql" if url.startswith("postgresql") else "sqlite"
    try:
        with app.app_context():
            upgrade()
            branch_id, email, built = build(args.guides, args.refugees)
            print(f"built {args.guides} guides and {args.refugees} refugees through the services "
                  f"in {built:.1f} s ({kind})")
            client = app.test_client()
            client.post("/login", data={"email": email, "password": "bench password 1"})
            rows = {"page before a run": _measure(client, db, "get", "/matching", args.repeat)}
            from guidematch.vocabulary import DEFAULT_WEIGHTS
            form = {"refugee_scope": "all", "guide_scope": "all",
                    **{f"weight_{k}": str(v) for k, v in DEFAULT_WEIGHTS.items()}}
            runs = [_measure(client, db, "post", "/matching/run", 1, **form)
                    for _ in range(max(2, args.repeat // 2))]
            rows["run (POST, end to end)"] = {
                "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                "max_ms": max(r["max_ms"] for r in runs), "kb": 0,
                "queries": max(r["queries"] for r in runs)}
            rows["page after a run"] = _measure(client, db, "get", "/matching", args.repeat)
            rows["page 5, filtered"] = _measure(
                client, db, "get", "/matching?gender=male&waited=3&page=5&wpage=5", args.repeat)
            from guidematch.models import Pairing
            from sqlalchemy import select
            pairing = db.session.scalars(select(Pairing).where(Pairing.branch_id == branch_id)
                                         .limit(1)).one()
            rows["pair preview"] = _measure(
                client, db, "get",
                f"/matching/pair?refugee_id={pairing.refugee_id}&guide_id={pairing.guide_id}",
                args.repeat)
            rows["people search"] = _measure(client, db, "post", "/matching/search", args.repeat,
                                             kind="refugee", q="Бойко")
            print(f"{'case':<26}{'p50 ms':>10}{'max ms':>10}{'KB':>8}{'queries':>9}")
            for name, row in rows.items():
                print(f"{name:<26}{row['p50_ms']:>10.0f}{row['max_ms']:>10.0f}{row['kb']:>8.0f}"
                      f"{row['queries']:>9}")
            page = rows["page after a run"]
            run = rows["run (POST, end to end)"]
            print(f"matchpage run_s={run['max_ms'] / 1000:.2f} page_ms={page['p50_ms']:.0f} "
                  f"page_kb={page['kb']:.0f} queries={page['queries']} db={kind}")
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
        folder.cleanup()


if __name__ == "__main__":
    main()
