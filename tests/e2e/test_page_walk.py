"""Every page once in the browser, so that the page checks (conftest.py) cover each of them.

On the demo branch a coordinator opens every list and detail page, an admin the admin
pages, and a guide or refugee every public page and the pages their links open, in
Norwegian and, right to left, in Arabic. A page added later fails this test until the
walk visits it.
"""
from __future__ import annotations

from sqlalchemy import select

from guidematch import demo, links
from guidematch.extensions import db as _db
from guidematch.models import (
    Attendance, Campaign, GroupMeeting, Guide, MeetingLog, OutboxMessage, Pairing, Refugee, User,
)
from guidematch.programme import week_key
from guidematch.services import (
    accounts, clock, group_meetings, mail_choices, meeting_invitations, passwords, person_links,
)
from guidematch.services.signup import CONFIRM_PURPOSE
from guidematch.vocabulary import GuideStatus, MailKind, PairingStatus, RefugeeStatus, Respondent, Role
from tests import factories

PASSWORD = "demo password for the walk"
# Not pages: files to download and the load balancer's probe.
NOT_PAGES = {"static", "bootstrap.static", "core.healthz", "people.export_guides",
             "people.export_refugees", "privacy.export_guide", "privacy.export_refugee",
             "people.export_guides_xlsx", "people.export_refugees_xlsx",
             # the import's preview needs an upload first: tests/e2e/test_import.py visits it
             "people.import_preview",
             "reports.download_csv", "reports.download_xlsx", "reports.download_national",
             *(f"sheets.{table}_{extension}" for table in
               ("pairings", "evaluations", "attendance", "meeting_attendance")
               for extension in ("csv", "xlsx"))}


def _one(model, *where):
    return _db.session.scalars(select(model).where(*where).order_by(model.id)).first()


def _walk(app, branch) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Return the coordinator's, the admin's and the public pages, by endpoint, as paths."""
    guide = _one(Guide, Guide.branch_id == branch.id)
    applicant = _one(Guide, Guide.branch_id == branch.id, Guide.status == GuideStatus.APPLIED)
    refugee = _one(Refugee, Refugee.branch_id == branch.id)
    waiting = _one(Refugee, Refugee.branch_id == branch.id, Refugee.status == RefugeeStatus.WAITING)
    available = _one(Guide, Guide.branch_id == branch.id, Guide.status == GuideStatus.AVAILABLE)
    pairing = _one(Pairing, Pairing.branch_id == branch.id, Pairing.status == PairingStatus.ACTIVE)
    log = _one(MeetingLog, MeetingLog.pairing_id == pairing.id)
    meeting = _one(GroupMeeting, GroupMeeting.branch_id == branch.id)
    upcoming = _one(GroupMeeting, GroupMeeting.branch_id == branch.id, GroupMeeting.starts_at > clock.now())
    group_meetings.send_invitations(upcoming)
    invited = _one(Attendance, Attendance.meeting_id == upcoming.id, Attendance.refugee_id.is_not(None))
    campaign = _one(Campaign, Campaign.branch_id == branch.id)
    message = OutboxMessage(branch_id=branch.id, to_address="kari@example.org", subject="Hei",
                            body_text="Hei Kari", body_html="<p>Hei Kari</p>")
    _db.session.add(message)
    _db.session.commit()
    urls = app.url_map.bind("localhost")

    def path(endpoint, **values):
        return urls.build(endpoint, values)

    coordinator = {
        "core.dashboard": path("core.dashboard"),
        "people.guides": path("people.guides"), "people.refugees": path("people.refugees"),
        "people.guide": path("people.guide", guide_id=guide.id),
        "people.edit_guide": path("people.edit_guide", guide_id=guide.id),
        "people.new_guide": path("people.new_guide"),
        "people.refugee": path("people.refugee", refugee_id=refugee.id),
        "people.edit_refugee": path("people.edit_refugee", refugee_id=refugee.id),
        "people.new_refugee": path("people.new_refugee"),
        "people.import_profiles": path("people.import_profiles"),
        "applicants.index": path("applicants.index"),
        "applicants.review": path("applicants.review", guide_id=applicant.id),
        "matching.index": path("matching.index"),
        "matching.pair": path("matching.pair", refugee_id=waiting.id, guide_id=available.id),
        "pairings.index": path("pairings.index"),
        "pairings.detail": path("pairings.detail", pairing_id=pairing.id),
        "pairings.edit_log": path("pairings.edit_log", pairing_id=pairing.id, log_id=log.id),
        "meetings.index": path("meetings.index"),
        "meetings.attendance": path("meetings.attendance", meeting_id=meeting.id),
        "meetings.change": path("meetings.change", meeting_id=upcoming.id),
        "outbox.index": path("outbox.index"),
        "audit.index": path("audit.index"), "audit.history": path("audit.index", guide=guide.id),
        "reports.index": path("reports.index"),
        "outbox.show": path("outbox.show", message_id=message.id),
        "signup.referral_link": path("signup.referral_link"),
        "campaigns.index": path("campaigns.index"), "campaigns.new": path("campaigns.new"),
        "campaigns.detail": path("campaigns.detail", campaign_id=campaign.id),
        "campaigns.edit": path("campaigns.edit", campaign_id=campaign.id),
        "campaigns.poster": path("campaigns.poster", campaign_id=campaign.id, lang="en"),
        "admin.settings": path("admin.settings"),
        "account.index": path("account.index"),
        "account.change_password": path("account.change_password"),
        "account.two_factor_setup": path("account.two_factor_setup"),
    }
    admin = {"admin.index": path("admin.index"), "admin.new_user": path("admin.new_user"),
             "reports.national": path("reports.national")}
    guide_side, refugee_side = Respondent.GUIDE, Respondent.REFUGEE
    week = week_key(clock.today())
    confirm = links.sign(CONFIRM_PURPOSE, kind="refugee", id=waiting.id, email=waiting.email)
    user = _one(User, User.email == demo.COORDINATOR_EMAIL)
    reset = links.sign(accounts.RESET_PURPOSE, u=user.id, f=passwords.fingerprint(user.password_hash))
    public = {
        "auth.login": path("auth.login"),
        "auth.forgot_password": path("auth.forgot_password"),
        "auth.reset_password": path("auth.reset_password", token=reset),
        # Without a half-done login it leads back to the login; tests/e2e/test_two_factor_login.py
        # walks the code and set-up pages it shows during one.
        "auth.second_step": path("auth.second_step"),
        "signup.guide": path("signup.guide"), "signup.refugee": path("signup.refugee"),
        # A campaign's short link: it opens the guide sign-up with the campaign's code.
        "signup.campaign_link": path("signup.campaign_link", code=campaign.code),
        "signup.thanks": path("signup.thanks", kind="guide"),
        "signup.privacy": path("signup.privacy"),
        "signup.referral": path("signup.referral", token=branch.referral_token),
        "signup.confirm": path("signup.confirm", token=confirm),
        "links.agreement": path("links.agreement", token=person_links.token_for(
            person_links.AGREEMENT, pairing, refugee_side)),
        "links.evaluation": path("links.evaluation", token=person_links.token_for(
            person_links.EVALUATION, pairing, refugee_side)),
        "links.weekly_log": path("links.weekly_log", token=person_links.token_for(
            person_links.WEEKLY_LOG, pairing, guide_side, w=week, m=120)),
        "links.weekly_log_form": path("links.weekly_log_form", token=person_links.token_for(
            person_links.WEEKLY_LOG, pairing, guide_side, w=week)),
        "links.weekly_log_pause": path("links.weekly_log_pause", token=person_links.token_for(
            person_links.WEEKLY_LOG, pairing, guide_side, w=week)),
        "links.weekly_log_free_times": path("links.weekly_log_free_times",
                                            token=person_links.token_for(
                                                person_links.WEEKLY_LOG, pairing, guide_side, w=week)),
        "links.meeting_answer": path("links.meeting_answer", token=links.sign(
            meeting_invitations.ANSWER, m=upcoming.id, s="refugee", who=invited.refugee_id), answer="yes"),
        "links.unsubscribe": path("links.unsubscribe", token=mail_choices.token(
            pairing.guide, MailKind.WEEKLY_REMINDERS)),
    }
    return coordinator, admin, public


def _visit(page, live_server, pages: dict[str, str]) -> None:
    for endpoint, path in pages.items():
        response = page.goto(live_server + path)
        assert response is not None and response.ok, f"{endpoint}: {path} answered " \
            f"{response.status if response else 'nothing'}"


def _log_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")


def test_every_page_once_in_the_browser(app, live_server, page, browser):
    branch = demo.load(seed=3, today=clock.today(), password=PASSWORD).branch
    factories.make_user(email="admin@example.org", role=Role.ADMIN)
    _db.session.commit()
    coordinator, admin, public = _walk(app, branch)

    pages = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = pages - NOT_PAGES - set(coordinator) - set(admin) - set(public)
    assert not missing, f"the walk does not visit {sorted(missing)}: add them to _walk()"

    _log_in(page, live_server, demo.COORDINATOR_EMAIL, PASSWORD)
    _visit(page, live_server, coordinator)

    admin_context = browser.new_context(locale="nb-NO")
    admin_page = admin_context.new_page()
    _log_in(admin_page, live_server, "admin@example.org", factories.PASSWORD)
    _visit(admin_page, live_server, admin)
    admin_context.close()

    # A guide's or a refugee's own phone: the public pages, then the same in Arabic.
    phone = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    person = phone.new_page()
    _visit(person, live_server, public)
    person.goto(live_server + public["signup.refugee"])
    person.get_by_role("button", name="العربية").click()
    person.wait_for_load_state("load")
    assert person.locator("html").get_attribute("dir") == "rtl"
    _visit(person, live_server, {k: v for k, v in public.items() if k != "signup.confirm"})
    phone.close()

