"""The monitoring report as an Excel workbook (openpyxl), for reporting to headquarters.

A data export, not a laporan: one sheet per table, its header on row 1 (frozen, with a
filter), the ids (agreement, work item, deliverable) beside the titles so that rows can
be matched with the agreement files, dates as real dates and numbers as numbers so that
they sort and sum; an "Info" sheet says what and as of when.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from docgen.config import Config
from docgen.domain.deliverable_state import DELIVERABLE_LABELS
from docgen.domain.monitor import AgreementRow, ExpiringRow, LapsedRow, OverdueRow, Report
from docgen.domain.obligations import ROLE_LABELS
from docgen.domain.overview import DeliverableRow
from docgen.domain.status import STATUS_LABELS
from docgen.errors import DocgenError
from docgen.fsutil import atomic_path
from docgen.i18n import _

DATE_FORMAT = "DD-MM-YYYY"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


Row = TypeVar("Row")
# (heading, the cell's value from a row of the report, width); the rows are TypedDicts of
# domain.monitor and domain.overview, one kind per sheet.
Column = tuple[str, Callable[[Row], object], float]


def _label(labels: dict[str, str], key: str) -> str:
    text = labels.get(key, key)
    return text[:1].upper() + text[1:]


AGREEMENTS: list[Column[AgreementRow]] = [
    ("ID", lambda r: r["id"], 22),
    ("Jenis", lambda r: r["kind"].upper(), 8),
    ("Judul", lambda r: r["title"], 60),
    ("Nomor", lambda r: " dan ".join(r.get("numbers") or []), 30),
    ("Tanggal", lambda r: _day(r.get("signed_on")), 12),
    ("Status", lambda r: _label(STATUS_LABELS, r["status"]), 16),
    ("Selesai", lambda r: r["done"], 9),
    ("Jumlah Keluaran", lambda r: r["total"], 10),
    ("Capaian (%)", lambda r: r["percent"], 11),
    ("Lewat Batas Waktu", lambda r: r["overdue"], 10),
    ("Batas Waktu dalam 30 Hari", lambda r: r["due_soon"], 12),
    ("Batas Waktu Berikutnya", lambda r: _day(r["next_due"]), 13),
    ("Berakhir Pada", lambda r: _day(r["ends_on"]), 13),
    ("Pihak Pertama", lambda r: r["parties"][0], 40),
    ("Pihak Kedua", lambda r: r["parties"][1], 40),
]
LAPSED: list[Column[LapsedRow]] = [
    ("ID Kerja Sama", lambda r: r["agreement"], 22),
    ("Kerja Sama", lambda r: r["agreement_title"], 50),
    ("ID Keluaran", lambda r: r["id"], 11),
    ("Keluaran", lambda r: r["title"], 50),
    ("Batas Waktu", lambda r: _day(r["due"]), 12),
    ("Status", lambda r: _label(DELIVERABLE_LABELS, r["status"]), 15),
    ("Kerja Sama Berakhir", lambda r: _day(r.get("ended_on")), 13),
    ("Hari sejak Berakhir", lambda r: r.get("days_since_end"), 10),
]
OVERDUE: list[Column[OverdueRow]] = [
    ("ID Kerja Sama", lambda r: r["agreement"], 22),
    ("Kerja Sama", lambda r: r.get("agreement_title", ""), 45),
    ("ID Kegiatan", lambda r: r["work_item"], 9),
    ("Kegiatan", lambda r: r.get("work_item_title", ""), 45),
    ("ID Keluaran", lambda r: r["id"], 11),
    ("Keluaran", lambda r: r["title"], 55),
    ("Batas Waktu", lambda r: _day(r["due"]), 12),
    ("Lewat Batas Waktu (Hari)", lambda r: r["days_overdue"], 10),
    ("Status", lambda r: _label(DELIVERABLE_LABELS, r["status"]), 15),
    ("Penanggung Jawab", lambda r: ROLE_LABELS.get(r["responsible"], r["responsible"]), 16),
    ("Instansi", lambda r: "; ".join(r["parties"]), 60),
    ("Bukti yang Diharapkan", lambda r: r.get("evidence") or "", 25),
]
EXPIRING: list[Column[ExpiringRow]] = [
    ("ID", lambda r: r["id"], 22),
    ("Judul", lambda r: r["title"], 70),
    ("Berakhir Pada", lambda r: _day(r["ends_on"]), 13),
    ("Sisa Hari", lambda r: r["days_left"], 10),
]


def as_text(cell: Any) -> None:
    """Text stays text: openpyxl would store "=..." as a formula, which Excel then runs."""
    if isinstance(cell.value, str):
        cell.data_type = "s"


def _sheet(workbook: Workbook, title: str, columns: list[Column[Row]], rows: Sequence[Row]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append([name for name, _, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([get(row) for _, get, _ in columns])
    for i, (name, _skip, width) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
            as_text(cell)
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif name.endswith("(%)"):
                cell.number_format = "0.0"
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _files(evidence: list[str] | str | None) -> str:
    """The evidence files of a checklist row (`deliverable list` gives a list)."""
    return evidence if isinstance(evidence, str) else "; ".join(evidence or [])


CHECKLIST: list[Column[DeliverableRow]] = [
    ("Kerja Sama", lambda r: r["agreement"], 22),
    ("Kegiatan", lambda r: r["work_item"], 9),
    ("ID Keluaran", lambda r: r["id"], 11),
    ("Keluaran", lambda r: r["title"], 55),
    ("Batas Waktu", lambda r: _day(r["due"]), 12),
    ("Penanggung Jawab", lambda r: ROLE_LABELS.get(r["responsible"], r["responsible"]), 16),
    ("Status", lambda r: DELIVERABLE_LABELS.get(r["status"], r["status"]), 15),
    ("Pembaruan Terakhir", lambda r: _day(r["updated_on"]), 13),
    ("Hari Terlambat", lambda r: r["days_overdue"] or None, 10),
    ("Kedaluwarsa", lambda r: "ya" if r.get("lapsed") else "", 11),
    ("Bukti", lambda r: _files(r["evidence"]), 40),
]


def write_checklist_xlsx(rows: list[DeliverableRow], config: Config, as_of: date, target: Path) -> None:
    """The checklist of `deliverable list` as a workbook: an Info sheet and one row per
    deliverable, written to `target` atomically."""
    workbook = Workbook()
    _info_sheet(
        workbook,
        [
            ("Daftar", "Daftar Periksa Keluaran Kerja Sama"),
            ("Kantor", config.office.name),
            ("Keadaan per", as_of),
            ("Jumlah keluaran", len(rows)),
        ],
    )
    _sheet(workbook, "Keluaran", CHECKLIST, rows)
    try:
        with atomic_path(target) as tmp:
            workbook.save(tmp)
    except OSError as exc:
        raise DocgenError(
            _("--xlsx {target}: cannot write: {reason}").format(target=target, reason=exc.strerror or exc)
        ) from exc


def _info_sheet(workbook: Workbook, rows: list[tuple[str, Any]]) -> Any:
    """The first sheet: what the workbook holds, one (label, value) per row."""
    info = workbook.active
    info.title = "Info"
    for row in rows:
        info.append(list(row))
    for cells in info.iter_rows():
        for cell in cells:
            as_text(cell)
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for (cell,) in info.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 70
    return info


def build_workbook(report: Report, config: Config) -> Workbook:
    workbook = Workbook()
    s = report["summary"]
    info = _info_sheet(
        workbook,
        [
            ("Laporan", "Pemantauan Pelaksanaan Kerja Sama"),
            ("Kantor", config.office.name),
            ("Keadaan per", _day(report["as_of"])),
            ("Jumlah kerja sama", s["agreements"]),
            ("Keluaran dilaporkan selesai", s["done"]),
            ("Jumlah keluaran", s["total"]),
            ("Capaian (%)", s["percent"]),
            ("Keluaran lewat batas waktu", s["overdue"]),
            ("Batas waktu dalam 30 hari", s["due_soon"]),
            ("Kerja sama berakhir dalam 90 hari", s["expiring"]),
            ("Keluaran belum ditutup pada kerja sama yang telah berakhir", s.get("lapsed", 0)),
        ],
    )
    info["B7"].number_format = "0.0"
    _sheet(workbook, "Kerja Sama", AGREEMENTS, report["agreements"])
    _sheet(workbook, "Terlambat", OVERDUE, report["overdue"])
    _sheet(workbook, "Segera Berakhir", EXPIRING, report["expiring"])
    _sheet(workbook, "Untuk Ditutup", LAPSED, report.get("lapsed", []))
    for sheet in workbook.worksheets:
        _as_text(sheet)
    return workbook


def _as_text(sheet: Any) -> None:
    """Every text value a string cell: openpyxl makes a text starting with "=" a formula,
    so a title like =HYPERLINK("http://...?d="&B2) would run in the reader's Excel."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def write_report_xlsx(report: Report, config: Config, target: Path) -> None:
    """Write the workbook to `target` (the path the user named), atomically."""
    workbook = build_workbook(report, config)
    try:
        with atomic_path(target) as tmp:
            workbook.save(tmp)
    except OSError as exc:
        raise DocgenError(
            _("--xlsx {target}: cannot write: {reason}").format(target=target, reason=exc.strerror or exc)
        ) from exc
