"""The report's figures as files: the CSV summary and the XLSX workbook (summary, per month).

Both write the `Report` of `report_figures` as it is; `outside=True` (the page's
downloads, meant for outside the branch) shows counts of 1 or 2 people as "<3",
the command line's files keep every number as it is.
"""
from __future__ import annotations

from guidematch import spreadsheets
from guidematch.services.report_figures import Report

HEADER = ["measure", "value"]


def csv_text(report: Report, outside: bool = False) -> str:
    """Return the summary as CSV: `measure,value`, one row per measure (BOM, formula-safe)."""
    return spreadsheets.csv_text(HEADER, report.rows(outside))


def xlsx_bytes(report: Report, months: list[Report], outside: bool = False) -> bytes:
    """Return a workbook: the summary, and a sheet with a column per month of the period."""
    detail_header = ["measure"] + [f"{m.start:%Y-%m}" for m in months]
    by_month = [dict(m.rows(outside)) for m in months]
    detail = [[name] + [values[name] for values in by_month] for name, _ in report.rows()]
    return spreadsheets.xlsx_bytes([("Summary", HEADER, report.rows(outside)),
                                    ("Per month", detail_header, detail)])
