"""A coordinator never reaches another branch's guides and refugees: 404, not in lists or exports."""
from __future__ import annotations

import pytest

from guidematch.models import Guide
from tests import factories


@pytest.fixture
def elsewhere(db):
    other = factories.make_branch(slug="bodo", name="Bodø")
    return {
        "guide": factories.make_guide(other, first_name="Skjulte", last_name="Guide", email="hidden-g@example.org"),
        "refugee": factories.make_refugee(other, first_name="Skjulte", last_name="Refugee",
                                          email="hidden-r@example.org"),
    }


@pytest.mark.parametrize("path", ["/guides/{guide}", "/guides/{guide}/edit", "/refugees/{refugee}",
                                  "/refugees/{refugee}/edit"])
def test_another_branchs_pages_are_not_found(client, english, elsewhere, path):
    url = path.format(guide=elsewhere["guide"].id, refugee=elsewhere["refugee"].id)
    assert client.get(url).status_code == 404


def test_another_branchs_guide_cannot_be_changed(client, english, elsewhere, db):
    guide = elsewhere["guide"]
    response = client.post(f"/guides/{guide.id}/edit", data={"first_name": "Changed", "gender": "male",
                                                              "capacity": "1", "status": "applied"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).first_name == "Skjulte"


def test_another_branchs_people_are_not_listed_searched_or_exported(client, english, branch, elsewhere):
    factories.make_guide(branch, first_name="Visible")
    hidden = (f'href="/guides/{elsewhere["guide"].id}"', f'href="/refugees/{elsewhere["refugee"].id}"',
              "Skjulte,", "hidden-g@", "hidden-r@")
    for url in ("/guides", "/refugees", "/guides?q=skjulte", "/refugees?q=Skjulte", "/guides.csv",
                "/refugees.csv", "/guides?status=available"):
        page = client.get(url).get_data(as_text=True)
        assert not [marker for marker in hidden if marker in page], url
    assert "Visible" in client.get("/guides").get_data(as_text=True)


def test_an_import_touches_only_the_coordinators_branch(client, english, branch, elsewhere, db):
    from tests.people.test_import_export import upload
    ref = elsewhere["guide"].ref
    text = ("id,first_name,last_name,gender,birth_year,languages\n"
            f"{ref},Overwritten,Olsen,male,1980,nb\n")
    upload(client, text, filename="g.csv")
    db.session.expire_all()
    assert db.session.get(Guide, elsewhere["guide"].id).first_name == "Skjulte"
    assert db.session.query(Guide).filter_by(branch_id=branch.id, ref=ref).one().first_name == "Overwritten"
