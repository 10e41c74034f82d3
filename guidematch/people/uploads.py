"""An uploaded people file kept between its preview and the coordinator's confirmation.

The file waits under the instance folder (`imports/<token>.bin`, with a `.json`
of who uploaded it, for which branch, when), named by a random token that only
the coordinator's session holds: no personal data in a URL, and the confirmed
import is the very file that was previewed (the browser does not send it
again). Files are deleted after the import or a cancel, and any older than an
hour at the next upload. Several web hosts need a shared folder (`IMPORT_FOLDER`,
default `instance/imports`) or sticky sessions.
"""
from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, session

from guidematch.services import clock

FOLDER = "imports"
MAX_AGE = timedelta(hours=1)
SESSION_KEY = "people_import"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Upload:
    token: str
    kind: str
    filename: str
    data: bytes


def _folder() -> Path:
    configured = current_app.config.get("IMPORT_FOLDER")
    folder = Path(configured) if configured else Path(current_app.instance_path) / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def keep(data: bytes, kind: str, filename: str, branch_id: int, user_id: int) -> str:
    """Store an upload for this session's preview; return its token."""
    sweep()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    meta = {"kind": kind, "filename": filename, "branch_id": branch_id, "user_id": user_id,
            "created": clock.now().isoformat()}
    for suffix, content in ((".bin", data), (".json", json.dumps(meta).encode())):
        handle = os.open(folder / f"{token}{suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
    forget()
    session[SESSION_KEY] = token
    return token


def current(branch_id: int, user_id: int) -> Upload | None:
    """Return this session's upload, if it is still there and is this coordinator's and branch's."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if (meta.get("branch_id"), meta.get("user_id")) != (branch_id, user_id) or _expired(meta):
        return None
    return Upload(token, meta["kind"], meta["filename"], data)


def forget() -> None:
    """Delete this session's upload, if any."""
    token = session.pop(SESSION_KEY, None)
    if isinstance(token, str) and _TOKEN.fullmatch(token):
        _delete(_folder(), token)


def sweep() -> int:
    """Delete uploads older than an hour (abandoned previews); return how many."""
    folder, removed = _folder(), 0
    for path in folder.glob("*.json"):
        try:
            expired = _expired(json.loads(path.read_text()))
        except (OSError, ValueError):
            expired = True
        if expired:
            _delete(folder, path.stem)
            removed += 1
    return removed


def _expired(meta: dict) -> bool:
    try:
        return clock.now() - datetime.fromisoformat(meta["created"]) > MAX_AGE
    except (KeyError, TypeError, ValueError):
        return True


def _delete(folder: Path, token: str) -> None:
    for suffix in (".bin", ".json"):
        try:
            (folder / f"{token}{suffix}").unlink()
        except FileNotFoundError:
            pass
