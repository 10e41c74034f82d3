"""No input gives a 500: a fuzzer over every public page and form and a sample of coordinator
routes, found from the url map, on SQLite and (in the PostgreSQL pass) on PostgreSQL.

Every answer is below 500, and a refused request (4xx, or a form shown again with
errors) leaves every table exactly as it was: the rows are compared, not counted.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from guidematch.extensions import db as _db
from guidematch.models import Campaign, GroupMeeting, MeetingLog, Model, OutboxMessage, Pause
from guidematch.programme import week_key
from guidematch.services import mail_choices, person_links, signup
from guidematch.vocabulary import (
    CampaignChannel, GuideStatus, MailKind, PairingStatus, PauseReason, Respondent,
)
from tests import factories
from tests.signup.conftest import guide_form, refugee_form

# Requests a fuzzer must not make: they end the session or destroy the world the next
# examples need (each is tested on its own elsewhere).
NOT_FUZZED = {"auth.logout", "privacy.erase_guide", "privacy.erase_refugee", "meetings.delete",
              "pairings.delete_log", "pairings.delete_pause", "signup.renew_referral_link",
              "static", "bootstrap.static"}
# Storing a failed login (to slow the next try) is what a refused login does on purpose.
MAY_WRITE_WHEN_REFUSED = {"auth.login"}

NASTY = [
    "\x00", "a\x00b", "tromso\x00", "\r\n", "/\r\nSet-Cookie: x=1", "/%0d%0aX: y", "\x1b[31m",
    "\x7f", "\x85", "\t", "9" * 20, str(2**63), str(2**31), str(2**31 - 1), "-1", "0", "1e9",
    "%00", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "😀" * 3, "\ufeff",
    "//evil.example", "/\\evil.example", "\\\\evil", "https://evil.example/", "", " ",
    "2026-W99", "9999-12-31", "x" * 3000,
]
_ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_LOW_TEXT = st.text(st.characters(max_codepoint=0x9F, exclude_categories=("Cs",)), max_size=12)
# Mostly the known troublemakers, alone or inside ordinary text; sometimes anything at all.
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.builds(lambda text, nasty, at: text[:at] + nasty + text[at:], _ANY_TEXT,
              st.sampled_from(NASTY), st.integers(0, 30)),
    _ANY_TEXT,
    _LOW_TEXT,
)
QUERY_KEYS = ["next", "page", "q", "branch", "status", "tab", "kind", "lang", "sort", "order",
              "guide_id", "refugee_id", "district", "gender", "language"]


@pytest.fixture
def world(db, branch, logged_in):
    """A branch with one record of every kind, a logged-in coordinator and people's link tokens."""
    guide = factories.make_guide(branch, first_name="Kari", last_name="Nordmann")
    refugee = factories.make_refugee(branch, first_name="Amal", last_name="Haddad")
    active = factories.make_active_pairing(branch, start=date(2026, 9, 7))
    proposed = factories.make_pairing(guide, refugee)
    awaiting = factories.make_pairing(
        factories.make_guide(branch, status=GuideStatus.PAIRED),
        factories.make_refugee(branch), status=PairingStatus.AWAITING_AGREEMENT,
        agreement_version=branch.agreement_version, seat=1,
        confirmed_at=datetime(2026, 11, 20, tzinfo=timezone.utc))
    applicant = factories.make_guide(branch, status=GuideStatus.APPLIED,
                                     email_confirmed_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
    unconfirmed = factories.make_guide(branch, status=GuideStatus.UNCONFIRMED)
    meeting = GroupMeeting(branch_id=branch.id, title="Monthly meeting",
                           starts_at=datetime(2026, 12, 3, 17, tzinfo=timezone.utc))
    message = OutboxMessage(branch_id=branch.id, to_address="x@example.org", subject="s",
                            body_text="b")
    log = MeetingLog(pairing_id=active.id, met_on=date(2026, 9, 8), minutes=90)
    pause = Pause(pairing_id=active.id, starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 8),
                  reason=PauseReason.HOLIDAY)
    campaign = Campaign(branch_id=branch.id, name="Radio", channel=CampaignChannel.RADIO)
    _db.session.add_all([meeting, message, log, pause, campaign])
    _db.session.commit()
    guide_side = Respondent.GUIDE
    tokens = {
        "signup.confirm": signup.confirmation_token(unconfirmed, "guide"),
        "signup.referral": branch.referral_token,
        "links.agreement": person_links.token_for(person_links.AGREEMENT, awaiting, guide_side),
        "links.evaluation": person_links.token_for(person_links.EVALUATION, active, guide_side),
        "links.weekly_log": person_links.token_for(person_links.WEEKLY_LOG, active, guide_side,
                                                   w=week_key(date(2026, 9, 14)), m=120),
        "links.weekly_log_form": person_links.token_for(person_links.WEEKLY_LOG, active,
                                                        guide_side, w=week_key(date(2026, 9, 14))),
        "links.unsubscribe": mail_choices.token(active.guide, MailKind.WEEKLY_REMINDERS),
        "links.mail_choices_form": mail_choices.token(active.guide, MailKind.WEEKLY_REMINDERS),
    }
    # The weekly email's page's own pages (a pause, the free times) take the week's link.
    for endpoint in ("links.weekly_log_pause", "links.weekly_log_free_times"):
        tokens[endpoint] = tokens["links.weekly_log_form"]
    ids = {"guide_id": applicant.id, "refugee_id": refugee.id, "pairing_id": active.id,
           "meeting_id": meeting.id, "message_id": message.id, "log_id": log.id,
           "pause_id": pause.id, "proposal_id": proposed.id,  # matching's routes act on proposals
           "campaign_id": campaign.id, "code": campaign.code}
    return {"ids": ids, "tokens": tokens}


def _is_public(app, rule) -> bool:
    return getattr(app.view_functions[rule.endpoint], "is_public", False)


def _targets(app, public: bool) -> list[tuple[str, str]]:
    """Return (endpoint, method) for every route of one kind, from the url map."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in NOT_FUZZED or _is_public(app, rule) != public:
            continue
        found += [(rule.endpoint, method) for method in ("GET", "POST") if method in rule.methods]
    return found


def _path(app, world, endpoint: str, hostile_part: str | None) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for name in sorted(rule.arguments):
        if name == "token":
            values[name] = world["tokens"].get(endpoint, "abc")
        elif endpoint.startswith("matching.") and name == "pairing_id":
            values[name] = world["ids"]["proposal_id"]
        else:
            values[name] = world["ids"][name]
    path = app.url_for(endpoint, **values)
    if hostile_part is not None and values:
        # Replace the last URL part (an id or a token) with the hostile text, as sent raw.
        head, _sep, _last = path.rstrip("/").rpartition("/")
        tail = "" if path.split("/")[-1] else "/"
        path = f"{head}/{quote(hostile_part, safe='')}{tail}"
    return path


# The forms people fill in, complete and valid: the fuzzer spoils some of their fields, so
# that a hostile value meets the code behind a form that otherwise passes.
PUBLIC_FORMS = {
    "signup.guide": guide_form(),
    "signup.refugee": refugee_form(),
    "signup.referral": {**refugee_form(), "caseworker_name": "Siri Berg",
                        "caseworker_email": "siri@kommune.example"},
    "links.weekly_log_form": {"met_on": "2026-09-15", "minutes": "120",
                              "activities": ["language_practice"], "note": "Coffee"},
    "links.weekly_log": {"minutes": "120"},
    "links.weekly_log_pause": {"pause-starts_on": "2026-11-02", "pause-ends_on": "2026-11-08",
                               "pause-reason": "holiday", "pause-note": "Ferie"},
    "links.weekly_log_free_times": {"availability": ["mon_evening", "sat_day"]},
    "links.evaluation": {"satisfaction": "4", "meeting_frequency": "weekly",
                         "works_well": "Walks", "could_improve": "", "wants_to_continue": "yes"},
    "core.set_language": {"locale": "en", "next": "/signup/guide"},
    "auth.login": {"email": "coordinator@example.org", "password": "wrong"},
}
# Names posted to coordinator routes: the fields of the forms on their pages.
COORDINATOR_FIELDS = [
    "first_name", "last_name", "email", "phone", "birth_year", "district", "occupation", "notes",
    "capacity", "lat", "lon", "gender", "languages", "interests", "kind", "title", "location",
    "starts_at", "starts_on", "ends_on", "met_on", "minutes", "note", "reason", "details",
    "end_reason", "comment", "present", "guide_id", "refugee_id", "branch_id", "refugee_ids",
    "guide_ids", "refugee_scope", "guide_scope", "weight_interests", "interview_on",
    "intro_course_on", "confidentiality_signed_on", "weekly_minutes", "min_months", "name",
    "log-met_on", "log-minutes", "log-note", "pause-reason", "pause-starts_on", "end-reason",
    "one-title", "one-starts_at", "series-title", "series-count", "csrf_token",
]


@st.composite
def hostile_requests(draw, app, world, public: bool):
    targets = _targets(app, public)
    reads = [target for target in targets if target[1] == "GET"]
    # Reads as often as writes: coordinators' pages are mostly read, and a read has most URL parts.
    endpoint, method = draw(st.sampled_from(reads) | st.sampled_from(targets))
    hostile_part = draw(st.none() | HOSTILE)
    keys = st.sampled_from(QUERY_KEYS)
    query = draw(st.dictionaries(st.one_of(keys, keys, HOSTILE), HOSTILE, max_size=3))
    data = None
    if method == "POST":
        base = dict(PUBLIC_FORMS.get(endpoint, {}))
        names = st.sampled_from(list(base) or COORDINATOR_FIELDS)
        spoiled = draw(st.dictionaries(st.one_of(names, names, HOSTILE), HOSTILE, max_size=3))
        data = {**base, **spoiled}
    return endpoint, method, _path(app, world, endpoint, hostile_part), query, data


def snapshot() -> dict[str, list]:
    """Return every committed row of every table (read on a connection of its own)."""
    with _db.engine.connect() as conn:
        return {table.name: sorted(map(repr, conn.execute(select(table)).all()))
                for table in Model.metadata.sorted_tables}


def _refused(method: str, response) -> bool:
    if response.status_code >= 400:
        return True
    return method == "POST" and response.status_code == 200 and (
        'class="invalid-feedback' in response.get_data(as_text=True))


def _send(client, method, path, query, data):
    before = snapshot()
    response = client.open(path, method=method, query_string=query, data=data)
    return before, response


FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check(client, request) -> None:
    endpoint, method, path, query, data = request
    before, response = _send(client, method, path, query, data)
    assert response.status_code < 500, f"{method} {path} {query!r} {data!r}"
    if _refused(method, response) and endpoint not in MAY_WRITE_WHEN_REFUSED:
        assert snapshot() == before, f"{method} {path} was refused but wrote"


@FUZZ
@given(data=st.data())
def test_public_pages_and_forms_never_fail(app, client, world, data):
    _check(client, data.draw(hostile_requests(app, world, public=True)))


@FUZZ
@given(data=st.data())
def test_coordinator_routes_never_fail(app, client, world, data):
    _check(client, data.draw(hostile_requests(app, world, public=False)))


# --- the inputs the hostile test of issue 13 found, each answered with a 4xx

REPORTED = [
    ("GET", "/signup/guide?branch=%00", 400),
    ("GET", "/signup/refugee?branch=tromso%00", 400),
    ("GET", "/referral/%00abc", 400),
    ("GET", "/guides?q=%00", 400),
    ("GET", "/guides/9223372036854775808", 404),
    ("GET", "/guides/2147483648", 404),
    ("GET", "/pairings/99999999999999999999/logs/1", 404),
    ("POST", "/pairings/99999999999999999999/confirm", 404),
    ("GET", "/matching/pair?guide_id=99999999999999999999&refugee_id=1", 400),
    ("GET", "/signup/confirm/abc%00", 400),
    ("GET", "/log/%0d%0a", 400),
]


@pytest.mark.parametrize(("method", "url", "code"), REPORTED)
def test_the_reported_inputs_are_refused(client, world, method, url, code):
    before = snapshot()
    response = client.open(url, method=method)
    assert response.status_code == code
    if code == 400:  # the page says why (the coordinator reads Norwegian)
        page = response.get_data(as_text=True)
        assert "kontrolltegn" in page or "ikke nummeret til en oppføring" in page
    assert snapshot() == before


def test_a_page_number_out_of_range_shows_an_empty_page(client, world):
    response = client.get("/outbox?page=99999999999999999999")
    assert response.status_code == 200


@pytest.mark.parametrize("target", ["/\r\nX: y", "/\nX: y", "//evil.example", "/\\evil.example",
                                    "/\t/evil.example", "https://evil.example",
                                    "javascript:alert(1)"])
def test_the_language_switch_goes_back_only_to_a_page_of_this_site(client, branch, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.location == "/"
    assert "\n" not in response.headers["Location"]


@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20x=1", "/%0aX:%20y", "/%5Cevil.example",
                                    "%2F%09%2Fevil.example", "//evil.example", "/guides%00"])
def test_a_crafted_next_still_logs_in_and_lands_on_the_start_page(client, coordinator, target):
    assert client.get(f"/login?next={target}").status_code == 200
    response = client.post(f"/login?next={target}", data={"email": coordinator.email,
                                                           "password": factories.PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_a_local_next_is_kept_after_login(client, coordinator):
    response = client.post("/login?next=/pairings%3Ftab%3Dactive", data={
        "email": coordinator.email, "password": factories.PASSWORD})
    assert response.location == "/pairings?tab=active"


def _names_a_control_character(text: str) -> bool:
    """Say whether `text` says "control character", in any of the people's languages."""
    words = ("control character", "kontrolltegn", "керівний символ", "حرف تحكم")
    return any(word in text for word in words)


def _field_errors(page: str) -> list[str]:
    return re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)', page)


def test_a_control_character_in_a_sign_up_field_is_shown_next_to_it(client, db, branch):
    before = snapshot()
    response = client.post("/signup/guide", data=guide_form(occupation="Lærer\x00\x07",
                                                            motivation="Line one\r\nLine two"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert any(_names_a_control_character(error) for error in _field_errors(page))
    assert "Lærer\ufffd\ufffd" in page  # what was typed stays, the refused characters marked
    assert "Line one" in page
    assert snapshot() == before


def test_a_multi_line_field_keeps_its_line_breaks(client, db, branch):
    response = client.post("/signup/guide", data=guide_form(motivation="Line one\r\n\tLine two"))
    assert response.status_code == 302
    from guidematch.models import Guide
    assert db.session.query(Guide).one().motivation.splitlines() == ["Line one", "\tLine two"]


def test_a_nul_in_the_weekly_log_note_is_refused_next_to_the_note(client, db, world):
    before = snapshot()
    token = world["tokens"]["links.weekly_log_form"]
    response = client.post(f"/log/{token}/form", data={
        **PUBLIC_FORMS["links.weekly_log_form"], "note": "We walked\x00"})
    assert response.status_code == 200
    assert any(_names_a_control_character(error)
               for error in _field_errors(response.get_data(as_text=True)))
    assert snapshot() == before


def test_a_nul_in_the_evaluation_is_refused(client, db, world):
    before = snapshot()
    token = world["tokens"]["links.evaluation"]
    response = client.post(f"/e/{token}", data={**PUBLIC_FORMS["links.evaluation"],
                                               "works_well": "\x00"})
    assert response.status_code == 200
    assert any(_names_a_control_character(error)
               for error in _field_errors(response.get_data(as_text=True)))
    assert snapshot() == before


def test_a_control_character_outside_any_form_field_is_a_400(client, db, world):
    before = snapshot()
    response = client.post("/language", data={"locale": "en\x00", "theme": "dark\x00"})
    assert response.status_code == 400
    assert _names_a_control_character(response.get_data(as_text=True))
    assert snapshot() == before


@pytest.mark.parametrize(("language", "words"), [
    ("nb", "kontrolltegn"), ("uk", "керівний символ"), ("ar", "حرف تحكم")])
def test_the_refusal_is_in_the_visitors_language(client, db, branch, language, words):
    headers = {"Accept-Language": language}
    form = client.post("/signup/refugee", data=refugee_form(first_name="Amal\x00"), headers=headers)
    assert words in " ".join(_field_errors(form.get_data(as_text=True)))
    page = client.get("/signup/refugee?branch=tromso%00", headers=headers)
    assert page.status_code == 400 and words in page.get_data(as_text=True)


def test_a_csv_file_with_a_nul_names_the_line_and_column_and_writes_nothing(client, db, world):
    before = snapshot()
    text = ("id,first_name,last_name,email,gender\n"
            "g1,Åse,Aas,ase@example.org,female\n"
            "g2,Ola\x00,Nord,ola@example.org,male\n")
    upload = {"kind": "guide", "file": (io.BytesIO(text.encode()), "g.csv")}
    # the upload goes to its preview first, which lists the refused row
    response = client.post("/import", data=upload, content_type="multipart/form-data",
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    refused = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))  # the preview's table, as text
    assert "g.csv" in refused and " 3 2 (first_name) " in refused and "kontrolltegn" in refused
    assert snapshot() == before
