"""CSV errors are gettext messages: named placeholders, translated on the coordinator's page."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from guidematch.models import Guide
from guidematch.profile_csv import CsvError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("guidematch/profile_csv.py", "guidematch/services/people_csv.py",
           "guidematch/spreadsheets.py", "guidematch/profile_cells.py",
           "guidematch/cli/match.py")


def _marked(path: str) -> list[str]:
    found = extract_from_file("python", str(ROOT / path), keywords={"N_": None})
    return [message for _line, message, _comments, _context in found]


@pytest.mark.parametrize("path", SOURCES)
def test_every_csv_message_has_a_norwegian_translation(path):
    with open(ROOT / "guidematch/translations/nb/LC_MESSAGES/messages.po", "rb") as stream:
        catalog = read_po(stream)
    marked = _marked(path)
    assert marked
    missing = [m for m in marked if not (catalog.get(m) and catalog.get(m).string)]
    assert missing == []


def test_a_csv_error_is_english_on_the_command_line_and_keeps_its_values():
    error = CsvError("g.csv", 3, "6 (birth_year)", "20x5", "must be a 4-digit year")
    assert str(error) == ("g.csv, line 3, column 6 (birth_year): must be a 4-digit year "
                          "(value: '20x5')")
    error = CsvError("g.csv", 2, "", "", "has %(cells)s cells where the header has %(columns)s",
                     cells=3, columns=4)
    assert str(error) == "g.csv, line 2: has 3 cells where the header has 4 (value: '')"


def test_the_import_page_names_the_bad_cell_in_the_coordinators_language(client, logged_in, branch,
                                                                          db):
    text = "id,first_name,last_name,gender,birth_year,languages\ng1,Kari,Nordmann,robot,1985,nb\n"
    data = {"kind": "guide", "file": (io.BytesIO(text.encode()), "guider.csv")}
    page = client.post("/import", data=data, content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert "<td>2</td><td>4 (gender)</td><td><code class=\"text-break\">robot</code></td>" \
           "<td>må være en av female, male, other</td>" in page
    assert "Ingenting kan importeres" in page
    assert db.session.query(Guide).count() == 0
