"""The report's figures as files: the CSV summary, the XLSX workbook (summary, per month, per
campaign), and the national workbook (every branch side by side).

All write the `Report`s of `report_figures` as they are; `outside=True` (the page's
downloads, meant for outside the branch) shows counts of 1 or 2 people as "<3",
the command line's files keep every number as it is.
"""
from __future__ import annotations

from collections import Counter

from guidematch import spreadsheets
from guidematch.services.report_figures import CAMPAIGN_MEASURES, CampaignCounts, Report
from guidematch.services.report_national import National

MEASURE = "measure"
HEADER = [MEASURE, "value"]
TOTAL = "all branches"
SUMMARY = "Summary"
NO_CAMPAIGN = "(no campaign)"
CAMPAIGN_HEADER = ["campaign", "channel"]
# A row of no one, for the sheet's header: the same names, in the same order, as every row's.
_EMPTY = CampaignCounts(None, "", None, {m: Counter() for m in CAMPAIGN_MEASURES})


def csv_text(report: Report, outside: bool = False) -> str:
    """Return the summary as CSV: `measure,value`, one row per measure (BOM, formula-safe)."""
    return spreadsheets.csv_text(HEADER, report.rows(outside))


def xlsx_bytes(report: Report, months: list[Report], outside: bool = False) -> bytes:
    """Return a workbook: the summary, a sheet with a column per month of the period, and a
    row per recruitment campaign (guides signed up and approved in the period, by gender)."""
    detail_header = [MEASURE] + [f"{m.start:%Y-%m}" for m in months]
    by_month = [dict(m.rows(outside)) for m in months]
    detail = [[name] + [values[name] for values in by_month] for name, _ in report.rows()]
    return spreadsheets.xlsx_bytes([(SUMMARY, HEADER, report.rows(outside)),
                                    ("Per month", detail_header, detail),
                                    ("Per campaign", *_campaign_sheet(report, outside))])


def _campaign_sheet(report: Report, outside: bool) -> tuple[list[str], list[list[object]]]:
    header = CAMPAIGN_HEADER + [f.name for f in _EMPTY.figures()]
    rows = [[c.name if c.campaign_id is not None else NO_CAMPAIGN, str(c.channel or "")]
            + [f.shown_outside() if outside else f.value for f in c.figures()]
            for c in report.campaigns]
    return header, rows


def national_xlsx_bytes(national: National, outside: bool = False) -> bytes:
    """Return a workbook with a Summary sheet: a row per measure, a column per branch and the total."""
    header = [MEASURE, *national.branches, TOTAL]
    return spreadsheets.xlsx_bytes([(SUMMARY, header, national.rows(outside))])
