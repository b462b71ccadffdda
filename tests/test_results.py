"""Reading result sheets: CSV dialects Indonesian offices produce, .xlsx, and every bad row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from docgen.errors import InputError
from docgen.results import parse_score, read_results, year_in_name


def write(tmp_path: Path, text: str | bytes, name: str = "hasil.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def rows(results) -> list[tuple]:
    return [(r.row, r.recipient, r.score, r.unit, r.predikat) for r in results.rows]


def test_comma_separated_with_decimal_point(tmp_path):
    path = write(tmp_path, "instansi,unit,nilai\nDinas Sosial,Pemkot Kupang,80.02\nDinas Kesehatan,,83.1\n")
    assert rows(read_results(path)) == [
        (2, "Dinas Sosial", Decimal("80.02"), "Pemkot Kupang", ""),
        (3, "Dinas Kesehatan", Decimal("83.10"), "", ""),
    ]


def test_semicolon_decimal_comma_and_bom(tmp_path):
    path = write(tmp_path, "\ufeffInstansi;NILAI;Predikat\nDinas Sosial;80,02;B\n".encode())
    results = read_results(path)
    assert rows(results) == [(2, "Dinas Sosial", Decimal("80.02"), "", "B")]
    assert not results.errors


def test_quoted_decimal_comma_in_a_comma_file(tmp_path):
    path = write(tmp_path, 'No,Instansi,Nilai,Peringkat\n1,"Dinas Sosial, Kota Kupang","90,54",1\n')
    assert rows(read_results(path)) == [(2, "Dinas Sosial, Kota Kupang", Decimal("90.54"), "", "")]


def test_unquoted_decimal_comma_is_an_error_not_a_guess(tmp_path):
    path = write(tmp_path, "instansi,unit,nilai\nDinas Sosial,Pemkot,90,54\nDinas Kesehatan,Pemkot,91.00\n")
    results = read_results(path)
    assert [r.recipient for r in results.rows] == ["Dinas Kesehatan"]
    assert results.errors[0].row == 2
    assert "quoted" in results.errors[0].error


def test_title_rows_blank_rows_and_multiline_cells_keep_spreadsheet_row_numbers(tmp_path):
    text = (
        "HASIL PENILAIAN KEPATUHAN 2022;;\n;;\ninstansi;nilai;unit\n"
        'Dinas Sosial;80,02;x\n;;\n"Dinas\nKesehatan";83,12;y\nDinas Perhubungan;66,30;z\n'
    )
    results = read_results(write(tmp_path, text))
    assert [(r.row, r.recipient) for r in results.rows] == [
        (4, "Dinas Sosial"),
        (6, "Dinas Kesehatan"),
        (7, "Dinas Perhubungan"),
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (";80,00", "instansi: empty"),
        ("Dinas A;", "nilai: empty"),
        ("Dinas A;sembilan puluh", "nilai: 'sembilan puluh' is not a number"),
        ("Dinas A;9o,5", "nilai: '9o,5' is not a number"),
        ("Dinas A;100,01", "nilai: 100,01 is out of range"),
        ("Dinas A;-1", "nilai: -1 is out of range"),
        ("Dinas A;1.234,5", "is not a number"),
    ],
)
def test_bad_rows(tmp_path, cells, expected):
    path = write(tmp_path, f"instansi;nilai\nDinas Baik;90,00\n{cells}\n")
    results = read_results(path)
    assert [r.recipient for r in results.rows] == ["Dinas Baik"]
    assert len(results.errors) == 1
    assert results.errors[0].row == 3
    assert expected in results.errors[0].error


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("nama;skor\nDinas A;90\n", "no header row with the columns 'instansi' and 'nilai'"),
        ("instansi;nilai;nilai\nDinas A;90;91\n", "column 'nilai' appears twice"),
        ("instansi;nilai\n", "no data rows below the header (row 1)"),
        ("", "no header row"),
    ],
)
def test_bad_files(tmp_path, content, expected):
    with pytest.raises(InputError) as exc:
        read_results(write(tmp_path, content), "results/hasil.csv")
    assert exc.value.message.startswith("results/hasil.csv: ")
    assert expected in exc.value.message


def test_not_utf8_names_the_line(tmp_path):
    path = write(tmp_path, "instansi;nilai\nDinas A;90\nDinas Pariwisata \xe9;80\n".encode("latin-1"))
    with pytest.raises(InputError) as exc:
        read_results(path)
    assert "line 3: not UTF-8" in exc.value.message


@pytest.mark.parametrize("name", ["hasil.xls", "hasil.ods", "hasil.txt", "hasil"])
def test_unsupported_types(tmp_path, name):
    with pytest.raises(InputError) as exc:
        read_results(write(tmp_path, "instansi;nilai\n", name))
    assert name in exc.value.message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_results(tmp_path / "tidak-ada.csv")


def test_xlsx_with_title_numbers_and_text_scores(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Hasil Penilaian Kepatuhan 2022"])
    ws.append([])
    ws.append(["No", "INSTANSI", "Nilai", "Unit"])
    ws.append([1, "Dinas Sosial Kota Kupang", 80.02, "Pemerintah Kota Kupang"])
    ws.append([2, "Dinas Kesehatan Kota Kupang", "83,12", None])
    ws.append([])
    ws.append([3, "Dinas Perhubungan", "n/a", None])
    ws.append([4, None, 70, None])
    path = tmp_path / "hasil.xlsx"
    wb.save(path)
    results = read_results(path)
    assert rows(results) == [
        (4, "Dinas Sosial Kota Kupang", Decimal("80.02"), "Pemerintah Kota Kupang", ""),
        (5, "Dinas Kesehatan Kota Kupang", Decimal("83.12"), "", ""),
    ]
    assert [(e.row, e.error.split(":")[0]) for e in results.errors] == [(7, "nilai"), (8, "instansi")]


def test_corrupt_xlsx(tmp_path):
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        read_results(write(tmp_path, b"PK\x03\x04 not really a zip", "hasil.xlsx"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (90.54, "90.54"),
        (88, "88.00"),
        ("88", "88.00"),
        ("87,995", "88.00"),
        ("87.994", "87.99"),
        ("  90,5 ", "90.50"),
        (Decimal("100"), "100.00"),
        (0.0, "0.00"),
    ],
)
def test_parse_score(value, expected):
    assert parse_score(value) == Decimal(expected)


@pytest.mark.parametrize("value", [None, "", True, float("nan"), float("inf"), "1e2", "90,54%"])
def test_parse_score_rejects(value):
    with pytest.raises(ValueError):
        parse_score(value)


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("kepatuhan-2022-kota-kupang.csv", 2022),
        ("hasil_2019.xlsx", 2019),
        ("hasil.csv", None),
        ("hasil-2021-2022.csv", None),
        ("rekap-20221.csv", None),
        ("2022-2022.csv", 2022),
    ],
)
def test_year_in_name(name, year):
    assert year_in_name(Path(name)) == year
