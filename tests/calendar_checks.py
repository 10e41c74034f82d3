"""Read the .ics files we send as calendar programs do: Python's icalendar and Mozilla's ical.js.

ical.js (the parser Thunderbird uses) runs under node on tests/ical_parse.mjs; it
comes from the npm package pinned in package-lock.json (`make test` runs `npm ci`),
found in the project's node_modules as tests/e2e/checks.py finds the Nu checker.
Without node or ical.js the tests that need it fail; they never skip.
"""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from guidematch.models import OutboxMessage
from guidematch.services import outbox

ROOT = Path(__file__).resolve().parents[1]
ICAL_JS = ROOT / "node_modules" / "ical.js" / "package.json"
SCRIPT = ROOT / "tests" / "ical_parse.mjs"


def ical_js(texts: list[str]) -> list[dict]:
    """Return what ical.js reads from each iCalendar text (one dict per text)."""
    node = shutil.which("node")
    if node is None or not ICAL_JS.exists():
        pytest.fail("ical.js is missing: needs node and node_modules/ical.js (run `make checkers`)")
    done = subprocess.run([node, str(SCRIPT)], input=json.dumps(texts), capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def parsed_email(row: OutboxMessage) -> EmailMessage:
    """Return the outbox row as sent, parsed back by Python's email package (policy=default)."""
    return message_from_bytes(outbox.build_message(row).as_bytes(), policy=policy.default)


def calendar_part(mail: EmailMessage) -> EmailMessage:
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    return part


def calendar_text(row: OutboxMessage) -> str:
    """Return the decoded .ics of an outbox row, as a mail reader gets it from the sent email."""
    return calendar_part(parsed_email(row)).get_content()


def both_parsers(rows: list[OutboxMessage]) -> list[tuple[icalendar.Calendar, dict]]:
    """Parse every row's .ics with icalendar and ical.js; both must accept each one."""
    texts = [calendar_text(row) for row in rows]
    read_by_js = ical_js(texts)
    for text, js in zip(texts, read_by_js):
        assert "error" not in js, f"ical.js refused:\n{text}\n{js}"
    return [(icalendar.Calendar.from_ical(text), js) for text, js in zip(texts, read_by_js)]


def stored_ics(row: OutboxMessage) -> bytes:
    [attachment] = row.attachments
    return base64.b64decode(attachment["data"])
