"""`docgen agreement import`: a work-plan matrix from Excel; `deliverable list --xlsx`."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from docgen.workplan_xlsx import parse_due, parse_responsible

MOU = "ntt-mou-2021"


def matrix(path, rows, *, title=True, merges=(), header=None):
    """A workbook like an office keeps: a title, the header, a numbering row, the rows."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["MATRIKS RENCANA KERJA TAHUN 2023"])
        sheet.append([])
    sheet.append(
        header or ["No.", "Kegiatan", "Keluaran / Output", "Batas Waktu", "Penanggung Jawab", "Bukti Dukung"]
    )
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    for row in rows:
        sheet.append(list(row))
    for rng in merges:
        sheet.merge_cells(rng)
    book.save(path)
    return path


ROWS = [
    (1, "Rapat koordinasi", "Rapat triwulan I", dt.datetime(2023, 3, 31), "PARA PIHAK", "notulen"),
    (None, None, "Rapat triwulan II", "30 Juni 2023", None, "notulen"),
    (2, "Penetapan pejabat penghubung", "SK pejabat penghubung", "Maret 2023", "PIHAK KEDUA", None),
    (
        3,
        "Pelatihan pengelolaan pengaduan",
        "Pelatihan angkatan I",
        "31-05-2023",
        "Pihak Pertama",
        "daftar hadir",
    ),
    (
        None,
        "Pelatihan pengelolaan pengaduan",
        "Pelatihan angkatan II",
        "Triwulan III 2023",
        "Pihak Pertama",
        "daftar hadir",
    ),
]


def test_import_a_work_plan_matrix(example, cli, tmp_path):
    # row 5 is the numbering row; the work item of rows 6-7 is a merged cell
    source = matrix(tmp_path / "Matriks Renja 2023.xlsx", ROWS, merges=("B5:B6", "A5:A6", "E5:E6"))
    run = cli(example, "agreement", "import", str(source), "--id", "ntt-renja-2023", "--parent", MOU)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == ("created agreements/ntt-renja-2023.yaml: work items 3, deliverables 5")
    text = (example / "agreements" / "ntt-renja-2023.yaml").read_text(encoding="utf-8")
    assert "# Work items imported from Matriks Renja 2023.xlsx." in text
    assert 'org: "Pemerintah Provinsi Nusa Tenggara Timur"' in text  # from the parent MoU
    # placeholders for what the matrix does not say: check flags them, nothing else
    check = cli(example, "check", "--as-of", "2023-01-01")
    assert check.exit_code == 1
    errors = [line for line in check.stderr.splitlines() if not line.startswith("warning")]
    assert errors and all("placeholder still to be filled in" in line for line in errors), errors
    filled = re.sub(r'"TODO[^"]*"', '"Isi"', text)
    (example / "agreements" / "ntt-renja-2023.yaml").write_text(filled, encoding="utf-8")
    shown = cli(example, "agreement", "show", "ntt-renja-2023", "--json").json()
    got = [(d["id"], d["title"], d["due"], d["responsible"], d["evidence"]) for d in shown["deliverables"]]
    assert got == [
        ("W1-D1", "Rapat triwulan I", "2023-03-31", "both", "notulen"),
        ("W1-D2", "Rapat triwulan II", "2023-06-30", "both", "notulen"),
        ("W2-D1", "SK pejabat penghubung", "2023-03-31", "second", None),
        ("W3-D1", "Pelatihan angkatan I", "2023-05-31", "first", "daftar hadir"),
        ("W3-D2", "Pelatihan angkatan II", "2023-09-30", "first", "daftar hadir"),
    ]


def test_header_variants_and_a_heading_row(example, cli, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["NO", "PROGRAM / KEGIATAN", "OUTPUT", "WAKTU PELAKSANAAN", "PJ", "KETERANGAN"])
    sheet.append(["A. BIDANG PENCEGAHAN"])
    sheet.merge_cells("A2:F2")
    sheet.append(
        [
            1,
            "Sosialisasi",
            "Sosialisasi standar pelayanan",
            "15 Agt 2023",
            "Pemerintah Provinsi Nusa Tenggara Timur",
            "",
        ]
    )
    sheet.append([2, "Survei", "Laporan survei", date(2023, 10, 31), "Ombudsman RI Perwakilan NTT", ""])
    book.save(tmp_path / "m.xlsx")
    run = cli(
        example,
        "agreement",
        "import",
        str(tmp_path / "m.xlsx"),
        "--id",
        "x-2023",
        "--parent",
        MOU,
        "--kind",
        "pks",
    )
    assert run.exit_code == 0, run.stderr
    text = (example / "agreements" / "x-2023.yaml").read_text(encoding="utf-8")
    assert "kind: pks" in text
    assert '{id: W1-D1, title: "Sosialisasi standar pelayanan", due: 2023-08-15}' in text
    assert "responsible: second" in text and "responsible: first" in text


def test_every_unreadable_row_is_an_error_and_nothing_is_written(example, cli, tmp_path):
    rows = [
        (1, "Rapat", "Rapat I", "akhir tahun", "PARA PIHAK", None),
        (2, "Rapat", "Rapat II", "2023-02-30", "PARA PIHAK", None),
        (3, "SK", "SK", "31 Maret 2023", "Dinas Lain", None),
        (4, "Pelatihan", None, "31 Maret 2023", "PIHAK KEDUA", None),
        (5, None, "Laporan", None, "PIHAK KEDUA", None),
    ]
    source = matrix(tmp_path / "rusak.xlsx", rows, title=False)
    run = cli(example, "agreement", "import", str(source), "--id", "ntt-renja-2023", "--parent", MOU)
    assert run.exit_code == 1
    label = str(source)
    assert run.stderr.splitlines() == [
        f"{label}: row 3: Batas Waktu: 'akhir tahun' is not a date (write it like 31 Maret 2022, "
        "31-03-2022 or 2022-03-31)",
        f"{label}: row 4: Batas Waktu: '2023-02-30' is not a valid date (Februari 2023 has 28 days)",
        f"{label}: row 5: Penanggung Jawab: 'Dinas Lain' names neither party (write PIHAK PERTAMA, "
        "PIHAK KEDUA or PARA PIHAK, or a party's full name)",
        f"{label}: row 6: Keluaran: empty, but a Batas Waktu is given",
        f"{label}: row 7: Batas Waktu: empty",
    ]
    assert not (example / "agreements" / "ntt-renja-2023.yaml").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["{tmp}/tidak-ada.xlsx", "--id", "x", "--parent", MOU], 1, "tidak-ada.xlsx: no such file"),
        (["{tmp}/m.csv", "--id", "x", "--parent", MOU], 1, "not an Excel workbook (.xlsx)"),
        (
            ["{tmp}/m.xlsx", "--id", "ntt-renja-2022", "--parent", MOU],
            1,
            "--id: agreements/ntt-renja-2022.yaml already exists",
        ),
        (["{tmp}/m.xlsx", "--id", "x", "--parent", "ntt-renja-2022"], 1, "is a renja, not an MoU"),
        (["{tmp}/m.xlsx", "--id", "Bad Id", "--parent", MOU], 1, "--id: 'Bad Id' is not a valid id"),
        (["{tmp}/kosong.xlsx", "--id", "x", "--parent", MOU], 1, "no header row with the columns"),
        (["{tmp}/m.xlsx", "--id", "x", "--parent", MOU, "--kind", "mou"], 2, "Invalid value for '--kind'"),
    ],
)
def test_import_refusals(example, cli, tmp_path, args, code, message):
    matrix(tmp_path / "m.xlsx", ROWS)
    (tmp_path / "m.csv").write_text("a,b\n", encoding="utf-8")
    Workbook().save(tmp_path / "kosong.xlsx")
    before = sorted(p.name for p in (example / "agreements").iterdir())
    run = cli(example, "agreement", "import", *[a.format(tmp=tmp_path) for a in args])
    assert run.exit_code == code and message in run.stderr, run.stderr
    assert sorted(p.name for p in (example / "agreements").iterdir()) == before


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-03-31", date(2023, 3, 31)),
        ("31-03-2023", date(2023, 3, 31)),
        ("31/3/2023", date(2023, 3, 31)),
        ("31 Maret 2023", date(2023, 3, 31)),
        ("31 MARET 2023", date(2023, 3, 31)),
        ("1 Agustus 2023", date(2023, 8, 1)),
        ("17 Agt 2023", date(2023, 8, 17)),
        ("30 Nopember 2023", date(2023, 11, 30)),
        ("Februari 2024", date(2024, 2, 29)),
        ("akhir Desember 2023", date(2023, 12, 31)),
        ("Triwulan I 2023", date(2023, 3, 31)),
        ("TW IV 2023", date(2023, 12, 31)),
        ("Semester I 2023", date(2023, 6, 30)),
        (dt.datetime(2023, 5, 2, 0, 0), date(2023, 5, 2)),
        (45046, date(2023, 4, 30)),
    ],
)
def test_due_dates(value, expected):
    assert parse_due(value) == expected


@pytest.mark.parametrize("value", ["", "Maret", "31 Marit 2023", "Semester III 2023", 12, "2023"])
def test_not_due_dates(value):
    with pytest.raises(ValueError):
        parse_due(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PIHAK PERTAMA", "first"),
        ("Pihak Kedua", "second"),
        ("PARA PIHAK", "both"),
        ("Pihak I", "first"),
        ("PIHAK II", "second"),
        ("PIHAK PERTAMA dan PIHAK KEDUA", "both"),
        ("Bersama", "both"),
        ("Ombudsman", "first"),
        ("Pemprov NTT", "second"),
        ("Ombudsman dan Pemprov NTT", "both"),
    ],
)
def test_responsible(value, expected):
    assert parse_responsible(value, ["ombudsman"], ["pemprov ntt"]) == expected


def test_checklist_as_xlsx_keeps_text_as_text(example, cli, tmp_path):
    path = example / "agreements" / "ntt-renja-2022.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "title: Penetapan pejabat penghubung", 'title: "=HYPERLINK(\\"http://x\\")"'
        ),
        encoding="utf-8",
    )
    cli(example, "deliverable", "set", "ntt-renja-2022", "W1-D1", "--status", "done", "--on", "2022-03-30")
    target = tmp_path / "daftar.xlsx"
    run = cli(example, "deliverable", "list", "--as-of", "2022-07-01", "--xlsx", str(target), "--json")
    assert run.exit_code == 0, run.stderr
    assert f"wrote {target}" in run.stderr and len(run.json()) == 13
    book = load_workbook(target)
    assert book.sheetnames == ["Info", "Keluaran"]
    rows = list(book["Keluaran"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Kerja Sama", "Kegiatan", "ID Keluaran", "Keluaran", "Batas Waktu")
    assert len(rows) == 14 and rows[1][4] == dt.datetime(2022, 3, 31)
    cells = {r[2]: r for r in rows[1:]}
    assert cells["W1-D1"][6].casefold() in ("dilaporkan selesai", "done")
    formula = next(c for c in book["Keluaran"]["D"] if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # a string cell, never a formula
