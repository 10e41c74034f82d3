"""Faults during delivery, with a real SMTP server (aiosmtpd): 0 lost, at most one copy per fault.

(a) the SMTP server dies twice in the middle of a batch, right after storing a
    message and before its "250" reaches us (the case that makes a duplicate);
(b) `flask outbox deliver`, a real subprocess, is SIGKILLed three times in the
    middle of a batch, each time while the server holds a message it has not
    answered yet.
Run with `-s` to see the counts; both run on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from guidematch.models import OutboxMessage
from guidematch.services import clock, outbox
from guidematch.vocabulary import OutboxStatus
from tests.smtp import Recorder, free_port, mail_config

MESSAGES = 200
FLASK = Path(sys.executable).with_name("flask")


class FaultyRecorder(Recorder):
    """Keep every message; at the chosen counts, call `at_fault` before answering."""

    def __init__(self, fault_at: set[int], hold: float = 0.0) -> None:
        super().__init__()
        self.fault_at = set(fault_at)
        self.hold = hold  # seconds to keep the client waiting for its "250" at a fault
        self.at_fault = lambda server: None

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) in self.fault_at:
            self.fault_at.discard(len(self.messages))
            self.at_fault(server)
            await asyncio.sleep(self.hold)
        return answer


class Server:
    """An SMTP server on a fixed port that can be stopped and started again."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder, self.port, self.controller = recorder, free_port(), None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def queue(db, n: int) -> None:
    db.session.add_all(OutboxMessage(to_address=f"person{i}@example.org", subject=f"Message {i}",
                                     body_text=f"Text {i}") for i in range(n))
    db.session.commit()


def tally(db, recorder: Recorder) -> tuple[int, int, Counter]:
    """Return (lost, duplicated, status counts): lost = queued but never received."""
    received = Counter(str(m["Subject"]) for m in recorder.messages)
    lost = sum(1 for i in range(MESSAGES) if received[f"Message {i}"] == 0)
    duplicated = sum(count - 1 for count in received.values())
    db.session.expire_all()
    states = Counter(str(s) for s in db.session.scalars(select(OutboxMessage.status)))
    return lost, duplicated, states


def drain(later) -> outbox.DeliveryReport:
    total = outbox.DeliveryReport()
    while (report := outbox.deliver(now=later)).sent:
        total.sent += report.sent
        total.resent += report.resent
    return total


@pytest.fixture
def server():
    # Dies at the 60th and the 130th message it stores: the connection is cut before the "250".
    recorder = FaultyRecorder({60, 130})
    server = Server(recorder)
    recorder.at_fault = lambda smtp: smtp.transport.abort()
    server.start()
    yield server
    server.stop()


class TestServerDiesMidBatch:
    @pytest.fixture
    def app_config(self, app_config, server):
        return {**app_config, **mail_config(server.port)}

    def test_twice_nothing_is_lost_and_at_most_one_copy_per_death(self, db, runner, server):
        queue(db, MESSAGES)
        for died_after in (60, 130):
            result = runner.invoke(args=["outbox", "deliver"])
            # The run says what it did and exits non-zero: mail it tried is left unsent.
            assert result.exit_code == 1, result.output
            assert "went away" in result.output and "deferred 1" in result.output
            assert len(server.recorder.messages) == died_after
            server.stop()
            down = runner.invoke(args=["outbox", "deliver"])
            assert down.exit_code == 1 and "unreachable" in down.output
            server.start()
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 0, result.output
        report = drain(clock.now() + timedelta(hours=1))  # the two deferred ones, now due

        lost, duplicated, states = tally(db, server.recorder)
        print(f"\nSMTP server died twice mid-batch ({db.engine.dialect.name}): "
              f"{MESSAGES} queued, {len(server.recorder.messages)} received, "
              f"{lost} lost, {duplicated} duplicated")
        assert report.sent == 2
        assert lost == 0 and duplicated <= 2
        assert states == Counter({"sent": MESSAGES})


class TestDelivererKilledMidBatch:
    KILLS = (40, 90, 140)

    @pytest.fixture
    def server(self):
        recorder = FaultyRecorder(set(self.KILLS), hold=5.0)
        server = Server(recorder)
        server.start()
        yield server
        server.stop()

    @pytest.fixture
    def app_config(self, app_config, server):
        return {**app_config, **mail_config(server.port)}

    def _deliver_in_a_subprocess(self, app_config, server, kill: bool) -> tuple[int, str]:
        env = {**os.environ, "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
               "SECRET_KEY": "k" * 40, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(server.port),
               "MAIL_DEFAULT_SENDER": "guidematch@rodekors.example", "MAIL_TIMEOUT": "10"}
        process = subprocess.Popen([str(FLASK), "--app", "guidematch", "outbox", "deliver"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        stored = threading.Event()
        # Killed while the server holds a stored message it has not answered: the worst moment.
        server.recorder.at_fault = lambda smtp: stored.set()
        if kill:
            assert stored.wait(60), process.communicate(timeout=5)[0]
            process.send_signal(signal.SIGKILL)
        output = process.communicate(timeout=120)[0].decode()
        server.recorder.at_fault = lambda smtp: None
        return process.returncode if not kill else -signal.SIGKILL, output

    def test_three_kills_lose_nothing_and_copy_at_most_one_message_each(
            self, db, app_config, server):
        queue(db, MESSAGES)
        db.session.remove()  # nothing held open while the subprocesses write
        for received_by_now in self.KILLS:
            code, _output = self._deliver_in_a_subprocess(app_config, server, kill=True)
            assert code == -signal.SIGKILL
            assert len(server.recorder.messages) == received_by_now
            # One message at a time: the kill leaves exactly one claimed and unrecorded.
            claimed = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.SENDING))
            assert claimed == 1 + self.KILLS.index(received_by_now)
            db.session.remove()
        server.recorder.fault_at.clear()
        code, output = self._deliver_in_a_subprocess(app_config, server, kill=False)
        assert code == 0, output
        # The rest (200 - 137 recorded - 3 claimed); the killed runs' claims are still leased.
        assert "Sent 60," in output and "3 waiting" in output
        report = drain(clock.now() + outbox.LEASE + timedelta(seconds=1))

        lost, duplicated, states = tally(db, server.recorder)
        print(f"\n`outbox deliver` SIGKILLed 3 times mid-batch ({db.engine.dialect.name}): "
              f"{MESSAGES} queued, {len(server.recorder.messages)} received, {lost} lost, "
              f"{duplicated} duplicated, {report.resent} resent after their run died")
        assert (report.sent, report.resent) == (3, 3)  # each found "sending", sent once more
        assert lost == 0 and duplicated <= len(self.KILLS)
        assert states == Counter({"sent": MESSAGES})
        ids = Counter(str(m["Message-ID"]) for m in server.recorder.messages)
        assert len(ids) == MESSAGES  # a copy carries the first one's Message-ID
