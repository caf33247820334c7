"""Downloads say their character set once, and the spreadsheet shows text exactly as typed without ever
running it."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from app.models import Sector
from tests import factories, records
from tests.conftest import sign_in


def test_csv_downloads_name_their_character_set_once(client):
    reader = factories.reviewer()
    sign_in(client, reader.email, factories.PASSWORD)
    for url in ("/find/download.csv", "/find/download.dictionary.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url


def test_the_spreadsheet_shows_formula_like_text_as_typed_and_the_csv_guards_it(client):
    police = factories.organisation("Kent Police", sector=Sector.POLICE)
    records.published(records.a_round(), police, name='=HYPERLINK("http://x","y")', summary="-5 staff")
    reader = factories.reviewer()
    sign_in(client, reader.email, factories.PASSWORD)

    sheet = load_workbook(io.BytesIO(client.get("/find/download.xlsx").data))["Projects"]
    header, line = list(sheet.iter_rows(min_row=1, max_row=2))
    cells = {h.value: c for h, c in zip(header, line, strict=True)}
    assert cells["Project name"].value == '=HYPERLINK("http://x","y")'
    assert cells["Project name"].data_type == "s"
    assert cells["Project summary"].value == "-5 staff"

    csv_text = client.get("/find/download.csv").text
    assert "'=HYPERLINK" in csv_text and "'-5 staff" in csv_text
