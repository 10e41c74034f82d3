"""Weekly hours: the guide's one-click answer and short form, the coordinator's logs, pauses."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from guidematch import links
from guidematch.models import AuditEvent, MeetingLog, OutboxMessage, Pause
from guidematch.services import meetings, person_links, reminders
from guidematch.services.errors import DomainError
from guidematch.vocabulary import PauseReason, Respondent
from tests import factories

START = date(2026, 9, 7)  # a Monday
TODAY = date(2026, 10, 2)  # a Friday: the email for 2026-W40 is due


@pytest.fixture
def pairing(db, branch):
    return factories.make_active_pairing(branch, start=START, guide=factories.make_guide(
        branch, first_name="Kari", locale="uk"))


@pytest.fixture
def freeze(monkeypatch):
    monkeypatch.setattr("guidematch.services.clock.today", lambda: TODAY)


def week_email(db, pairing):
    reminders.weekly_log_request(pairing, "2026-W40", TODAY)
    db.session.commit()
    return db.session.query(OutboxMessage).filter_by(template="weekly_log_request").one()


def click_links(message):
    return re.findall(r"http://localhost(/log/\S+)", message.body_text)


def test_the_weekly_email_has_four_one_click_answers_and_a_form(db, pairing):
    message = week_email(db, pairing)
    assert message.to_address == pairing.guide.email and message.locale == "uk"
    assert "Ми не зустрічалися" in message.body_text  # "We did not meet", in Ukrainian
    urls = click_links(message)
    assert len(urls) == 5 and urls[-1].endswith("/form")


def test_opening_a_one_click_link_records_nothing(db, client, pairing, freeze):
    two_hours = click_links(week_email(db, pairing))[2]
    page = client.get(two_hours)
    assert page.status_code == 200
    assert db.session.query(MeetingLog).count() == 0


def test_a_second_click_corrects_the_answer_instead_of_counting_twice(db, client, pairing, freeze):
    urls = click_links(week_email(db, pairing))
    assert client.post(urls[2], data={"minutes": 120}).status_code == 302
    client.post(urls[1], data={"minutes": 60})
    logs = db.session.query(MeetingLog).filter_by(pairing_id=pairing.id).all()
    assert [(log.quick_week, log.minutes, log.met_on) for log in logs] == [("2026-W40", 60, TODAY)]
    page = client.get(urls[3]).get_data(as_text=True)  # any link of the week shows what is recorded
    recorded = re.findall(r'value="(\d+)"[^>]*aria-current="true"', page)
    assert recorded == ["60"]
    events = db.session.query(AuditEvent).filter_by(action="meeting_log.weekly_answer").all()
    assert [e.details["corrected"] for e in events] == [False, True]
    assert {e.actor for e in events} == {"guide link"}


def test_the_short_form_replaces_the_weeks_answer_with_details(db, client, pairing, freeze):
    urls = click_links(week_email(db, pairing))
    client.post(urls[2], data={"minutes": 120})
    response = client.post(urls[-1], data={"met_on": "2026-09-30", "minutes": "150",
                                            "activities": ["cafe", "library"], "note": "Kaffe"})
    assert response.status_code == 302
    log = db.session.query(MeetingLog).one()
    assert (log.minutes, log.met_on, log.activities) == (150, date(2026, 9, 30), ["cafe", "library"])


@pytest.mark.parametrize(("data", "message"), [
    ({"met_on": "2026-09-30", "minutes": "1441"}, "1440"),
    ({"met_on": "2026-09-30", "minutes": "-5"}, "1440"),
    ({"met_on": "2026-09-20", "minutes": "60"}, "2026-09-28"),   # another week
    ({"met_on": "2026-10-04", "minutes": "60"}, "2026-10-02"),   # after today
    ({"met_on": "", "minutes": "60"}, None),
])
def test_the_short_form_refuses_bad_minutes_and_days_with_a_message(db, client, pairing, freeze, data, message):
    form_url = click_links(week_email(db, pairing))[-1]
    response = client.post(form_url, data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page or "text-danger" in page
    if message:
        assert message in page
    assert db.session.query(MeetingLog).count() == 0


def test_a_link_works_only_for_its_own_purpose_pairing_and_person(db, client, branch, pairing, freeze):
    other = factories.make_active_pairing(branch, start=START)
    forged = links.sign(person_links.WEEKLY_LOG, p=other.id, s="guide", who=pairing.guide_id, w="2026-W40", m=120)
    assert client.post(f"/log/{forged}", data={"minutes": 120}).status_code == 404
    refugee_side = links.sign(person_links.WEEKLY_LOG, p=pairing.id, s="refugee", who=pairing.refugee_id,
                              w="2026-W40", m=120)
    assert client.get(f"/log/{refugee_side}").status_code == 404
    agreement_token = person_links.token_for(person_links.AGREEMENT, pairing, Respondent.GUIDE)
    assert client.get(f"/log/{agreement_token}").status_code == 404
    assert client.get("/log/not-a-token").status_code == 404
    assert client.get(f"/e/{agreement_token}").status_code == 404
    assert db.session.query(MeetingLog).count() == 0


def test_an_expired_link_says_so_in_the_persons_language(db, client, pairing, freeze, monkeypatch):
    url = click_links(week_email(db, pairing))[2]
    monkeypatch.setitem(person_links.MAX_AGE, person_links.WEEKLY_LOG, timedelta(seconds=-1))
    response = client.get(url)
    assert response.status_code == 410
    assert 'lang="uk"' in response.get_data(as_text=True)


def test_coordinator_logs_are_checked_the_same_way(db, pairing):
    with pytest.raises(DomainError) as error:
        meetings.add_log(pairing, date(2026, 9, 10), 1441, today=TODAY)
    assert error.value.field == "minutes"
    with pytest.raises(DomainError) as error:
        meetings.add_log(pairing, date(2026, 9, 6), 60, today=TODAY)  # the day before the start
    assert error.value.field == "met_on"
    with pytest.raises(DomainError):
        meetings.add_log(pairing, date(2026, 9, 10), 60, ["swimming"], today=TODAY)
    log = meetings.add_log(pairing, date(2026, 9, 10), 90, ["walk"], today=TODAY)
    meetings.update_log(log, date(2026, 9, 11), 100, ["walk", "cafe"], today=TODAY)
    assert (log.met_on, log.minutes) == (date(2026, 9, 11), 100)


def test_a_pairing_at_risk_shows_up_with_its_reason(db, branch, pairing):
    meetings.add_log(pairing, date(2026, 9, 8), 120, today=TODAY)
    meetings.add_log(pairing, date(2026, 9, 15), 60, today=TODAY)
    meetings.add_log(pairing, date(2026, 9, 22), 30, today=TODAY)
    healthy = factories.make_active_pairing(branch, start=START)
    for week in range(4):
        meetings.add_log(healthy, START + timedelta(days=7 * week + 1), 150, today=TODAY)
    risky = meetings.at_risk([pairing, healthy], TODAY)
    assert [(f.pairing.id, [(r.kind, r.count) for r in f.risks]) for f in risky] == [
        (pairing.id, [("weeks_under", 2)])]


def test_a_declared_pause_keeps_a_pairing_off_the_risk_list(db, pairing):
    meetings.add_log(pairing, date(2026, 9, 8), 120, today=TODAY)
    meetings.add_pause(pairing, date(2026, 9, 14), date(2026, 9, 27), PauseReason.HOLIDAY)
    assert meetings.at_risk([pairing], date(2026, 9, 28)) == []
    with pytest.raises(DomainError):
        meetings.add_pause(pairing, date(2026, 9, 20), date(2026, 10, 1), PauseReason.ILLNESS)  # overlaps
    with pytest.raises(DomainError):
        meetings.add_pause(pairing, date(2026, 10, 5), date(2026, 10, 1), PauseReason.ILLNESS)
    assert db.session.query(Pause).count() == 1


def test_no_weekly_email_for_a_week_that_is_all_pause(db, pairing):
    meetings.add_pause(pairing, date(2026, 9, 28), date(2026, 10, 4), PauseReason.ILLNESS)
    assert reminders.weekly_log_request(pairing, "2026-W40", TODAY) == 0


def test_many_logs_at_once_follow_the_rules_of_one(db, pairing):
    logs = meetings.add_logs(pairing, [(date(2026, 9, 8), 90, ["walk"], " tur "),
                                       (date(2026, 9, 15), 120, [], "")], today=TODAY)
    assert [(log.met_on, log.minutes, log.note) for log in logs] == [
        (date(2026, 9, 8), 90, "tur"), (date(2026, 9, 15), 120, "")]
    with pytest.raises(DomainError) as error:
        meetings.add_logs(pairing, [(date(2026, 9, 20), 60, [], ""), (date(2026, 9, 6), 60, [], "")],
                          today=TODAY)
    assert error.value.field == "met_on"
