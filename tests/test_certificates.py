"""`docgen certificate issue|verify|revoke` end to end: real CSV/XLSX, PDFs read back with
pypdf, the QR code rebuilt from the page, the tracker and the secret on disk."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from tests.conftest import CONFIG
from tests.test_certificate_render import drawn_matrix, symbol_matrix

KUPANG = [
    "Dinas Kesehatan Kota Kupang",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Kupang",
    "Dinas Kependudukan dan Pencatatan Sipil Kota Kupang",
    "Dinas Sosial Kota Kupang",
    "Dinas Pendidikan dan Kebudayaan Kota Kupang",
]
RESULTS = "results/kepatuhan-2022-kota-kupang.csv"
ISSUE = ("certificate", "issue", RESULTS, "--year", "2022", "--min-grade", "B", "--signed-on", "2023-02-16")


def text_of(path: Path, page: int = 0) -> str:
    return " ".join(PdfReader(path).pages[page].extract_text().split())


def qr_of(path: Path, page: int = 0) -> list[bytes]:
    """The QR matrix the page draws."""
    return drawn_matrix(PdfReader(path).pages[page].get_contents().get_data().decode("latin-1"))


KEY = Path(".docgen") / "certificate-key"


def expected_proof(ws: Path, number: str, recipient: str, signed_on: str) -> str:
    """The proof as docs/certificates.md defines it, made here with `cryptography` from the
    workspace's private key: KEYID "." base64url(Ed25519(NUMBER\nRECIPIENT\nSIGNED_ON))."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key((ws / KEY).read_bytes(), password=None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    keyid = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode()[:8]
    signature = key.sign(f"{number}\n{recipient}\n{signed_on}".encode())
    return keyid + "." + base64.urlsafe_b64encode(signature).decode().rstrip("=")


def tracker(ws: Path) -> dict:
    """tracker.json, and the registry (tracker-numbers/) as its "numbers" table."""
    from docgen.state.file import FileTracker

    state = json.loads((ws / "tracker.json").read_text(encoding="utf-8"))
    with FileTracker(ws).read() as session:
        state["numbers"] = {str(i): r for i, r in enumerate(session._raw_rows("numbers"), 1)}
    return state


def registry_files(ws: Path) -> dict[str, bytes]:
    """The tracker's files, to compare before and after a command that must change nothing."""
    return {p.relative_to(ws).as_posix(): p.read_bytes() for p in sorted(ws.glob("tracker*.json"))} | {
        p.relative_to(ws).as_posix(): p.read_bytes() for p in sorted(ws.glob("tracker-numbers/*.json"))
    }


def issue_json(cli, ws, *args):
    run = cli(ws, *args, "--json")
    return run, run.json()


# --- the acceptance case -------------------------------------------------------------------


def test_kupang_five_certificates_issued_and_verified(cli, example):
    run, out = issue_json(cli, example, *ISSUE)
    assert run.exit_code == 0, run.stderr
    assert [e["recipient"] for e in out["issued"]] == KUPANG
    assert [e["number"] for e in out["issued"]] == [f"000{i}/PHG/II/2023" for i in range(1, 6)]
    assert [e["grade"] for e in out["issued"]] == ["B", "A", "A", "B", "B"]
    assert all(e["new"] for e in out["issued"])
    assert [(s["row"], s["recipient"]) for s in out["skipped"]] == [
        (7, "Dinas Perhubungan Kota Kupang"),
        (8, "Dinas Lingkungan Hidup dan Kebersihan Kota Kupang"),
    ]
    assert out["errors"] == []
    assert out["combined"] == "outputs/certificates/2022/print/kepatuhan-2022-kota-kupang.pdf"

    dpmptsp = out["issued"][1]
    assert dpmptsp["score"] == 91.4 and isinstance(dpmptsp["row"], int)
    text = text_of(example / dpmptsp["file"])
    # DOMAIN.md's piagam: Ombudsman RI's award, signed by the Ketua ([certificates]
    # signatory = "ketua"), numbered in the register of 2023, the year it is signed
    assert text.startswith("OMBUDSMAN REPUBLIK INDONESIA PIAGAM PENGHARGAAN")
    for part in (
        "PIAGAM PENGHARGAAN",
        "Nomor: 0002/PHG/II/2023",
        "diberikan kepada",
        "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KOTA KUPANG "
        "PEMERINTAH KOTA KUPANG atas capaian",
        "atas capaian Opini Kualitas Tertinggi (Kategori A, Zona Hijau) dalam Penilaian "
        "Kepatuhan Standar Pelayanan Publik Tahun 2022 dengan nilai 91,40",
        # where the Ketua signs ([signatories.ketua] city), not the office's city
        "Jakarta, 16 Februari 2023",
        "Ketua Ombudsman Republik Indonesia,",
        "MOKHAMMAD NAJIH",
    ):
        assert part in text
    assert "PERWAKILAN" not in text and "DARIUS" not in text

    combined = PdfReader(example / out["combined"])
    assert len(combined.pages) == 5
    for index, entry in enumerate(out["issued"]):
        assert entry["recipient"].upper() in " ".join(combined.pages[index].extract_text().split())

    for entry in out["issued"]:
        by_number = cli(example, "certificate", "verify", entry["number"], "--json")
        assert by_number.exit_code == 0, by_number.stderr
        assert by_number.json()["genuine"] is True and by_number.json()["revoked"] is False
        by_file = cli(example, "certificate", "verify", str(example / entry["file"]), "--json")
        assert by_file.exit_code == 0, by_file.stderr
        got = by_file.json()
        assert (got["number"], got["recipient"], got["year"], got["grade"], got["issued_on"]) == (
            entry["number"],
            entry["recipient"],
            2022,
            entry["grade"],
            "2023-02-16",
        )


def test_registry_records_and_secret(cli, example):
    run, out = issue_json(cli, example, *ISSUE)
    state = tracker(example)
    numbers = sorted(r["number"] for r in state["numbers"].values())
    assert numbers == [e["number"] for e in out["issued"]]
    # the register of the signing year; the assessment year stays in the certificate record
    assert all(r["kind"] == "certificate" and r["year"] == 2023 for r in state["numbers"].values())
    assert all(r["year"] == 2022 for r in state["certificates"].values())
    records = {r["number"]: r for r in state["certificates"].values()}
    first = records["0001/PHG/II/2023"]
    assert (first["recipient"], first["score"], first["grade"], first["event"], first["issued_on"]) == (
        "Dinas Kesehatan Kota Kupang",
        83.12,
        "B",
        "Penilaian Kepatuhan Standar Pelayanan Publik",
        "2023-02-16",
    )
    sha = hashlib.sha256((example / first["file"]).read_bytes()).hexdigest()
    assert first["sha256"] == sha
    key = (example / KEY).read_text()
    assert key.startswith("-----BEGIN PRIVATE KEY-----")
    body = "".join(key.splitlines()[1:-1])
    for place in ((example / "tracker.json").read_text(), run.stdout, run.stderr):
        assert body not in place
    assert (example / KEY).stat().st_mode & 0o077 == 0
    assert not (example / ".docgen" / "certificate-secret").exists()  # new certificates need none
    # the public key is in the tracker, and the record names it
    (keyrow,) = state["certificate_keys"].values()
    assert keyrow["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert first["key_id"] == keyrow["keyid"] and first["proof"].startswith(keyrow["keyid"] + ".")


def test_qr_code_carries_number_and_signature(cli, example):
    _, out = issue_json(cli, example, *ISSUE)
    entry = out["issued"][1]
    check = expected_proof(example, entry["number"], entry["recipient"], out["signed_on"])
    payload = f"{entry['number']} {check}"
    pdf = example / entry["file"]
    assert PdfReader(pdf).metadata["/Keywords"] == payload
    wanted = symbol_matrix(payload)
    assert qr_of(pdf) == wanted
    assert qr_of(example / out["combined"], 1) == wanted
    # The scanned text can be pasted into verify; a wrong checksum is caught.
    assert cli(example, "certificate", "verify", payload).exit_code == 0
    for wrong in ("0" * 16, check[:-2] + ("AA" if not check.endswith("AA") else "BA")):
        forged = cli(example, "certificate", "verify", f"{entry['number']} {wrong}", "--json")
        assert forged.exit_code == 1 and forged.json()["genuine"] is False
        assert "checksum does not match" in forged.stderr


def test_verify_url_fills_the_qr_code(cli, workspace):
    config = CONFIG + '\n[certificates]\nverify_url = "https://ombudsman.go.id/cek?n={number}&c={checksum}"\n'
    ws = workspace({"hasil-2022.csv": "instansi,nilai\nDinas Sosial Kota Kupang,90.00\n"}, config=config)
    run, out = issue_json(cli, ws, "certificate", "issue", "hasil-2022.csv", "--signed-on", "2023-02-16")
    assert run.exit_code == 0, run.stderr
    entry = out["issued"][0]
    check = expected_proof(ws, entry["number"], entry["recipient"], out["signed_on"])
    url = f"https://ombudsman.go.id/cek?n=0001%2FPHG%2FPW24%2FII%2F2023&c={check}"
    pdf = ws / entry["file"]
    assert PdfReader(pdf).metadata["/Keywords"] == url
    assert qr_of(pdf) == symbol_matrix(url)
    assert cli(ws, "certificate", "verify", url).exit_code == 0
    assert cli(ws, "certificate", "verify", str(pdf)).exit_code == 0


# --- idempotence, revocation, tampering ----------------------------------------------------


def test_reissue_returns_the_same_certificates(cli, example):
    _, first = issue_json(cli, example, *ISSUE)
    before = (example / "tracker.json").read_bytes()
    files = {e["file"]: (example / e["file"]).read_bytes() for e in first["issued"]}
    run, again = issue_json(cli, example, *ISSUE)
    assert run.exit_code == 0
    assert [(e["number"], e["file"]) for e in again["issued"]] == [
        (e["number"], e["file"]) for e in first["issued"]
    ]
    assert not any(e["new"] for e in again["issued"])
    assert (example / "tracker.json").read_bytes() == before
    assert all((example / f).read_bytes() == data for f, data in files.items())
    assert len(PdfReader(example / again["combined"]).pages) == 5


def test_reissue_folds_case_and_spaces_and_restores_a_deleted_file(cli, example):
    _, first = issue_json(cli, example, *ISSUE)
    target = example / first["issued"][3]["file"]
    original = target.read_bytes()
    target.unlink()
    (example / "results" / "ulang-2022.csv").write_text(
        "instansi;nilai\n  DINAS   sosial kota kupang ;80,02\n", encoding="utf-8"
    )
    run, out = issue_json(
        cli, example, "certificate", "issue", "results/ulang-2022.csv", "--signed-on", "2024-01-05"
    )
    assert run.exit_code == 0, run.stderr
    assert [(e["number"], e["recipient"], e["new"]) for e in out["issued"]] == [
        ("0004/PHG/II/2023", "Dinas Sosial Kota Kupang", False)
    ]
    assert target.read_bytes() == original  # same layout, same bytes: still verifies
    assert cli(example, "certificate", "verify", str(target)).exit_code == 0
    assert len(tracker(example)["numbers"]) == 5


def test_same_recipient_with_another_score_is_an_error_row(cli, example):
    issue_json(cli, example, *ISSUE)
    (example / "results" / "koreksi-2022.csv").write_text(
        "instansi;nilai;nomor\nDinas Sosial Kota Kupang;85,00;\n"
        "RSUD Prof. Dr. W. Z. Johannes Kupang;90,00;0006/PHG/II/2023\n",
        encoding="utf-8",
    )
    run, out = issue_json(
        cli, example, "certificate", "issue", "results/koreksi-2022.csv", "--signed-on", "2023-02-16"
    )
    assert run.exit_code == 1
    assert [e["recipient"] for e in out["issued"]] == ["RSUD Prof. Dr. W. Z. Johannes Kupang"]
    assert out["issued"][0]["number"] == "0006/PHG/II/2023"
    assert out["errors"][0]["row"] == 2
    assert "already has certificate 0004/PHG/II/2023" in out["errors"][0]["error"]
    assert "results/koreksi-2022.csv: row 2: " in run.stderr and "revoke it first" in run.stderr


def test_another_event_is_another_certificate(cli, example):
    issue_json(cli, example, *ISSUE)
    sheet = example / RESULTS
    lines = sheet.read_text(encoding="utf-8").splitlines()
    renumbered = [lines[0]] + [
        re.sub(r"000([1-5])/", lambda m: f"{int(m[1]) + 5:04d}/", x) for x in lines[1:]
    ]
    sheet.write_text("\n".join(renumbered) + "\n", encoding="utf-8")
    again = (*ISSUE[:2], str(sheet), *ISSUE[3:])  # the workspace's copy, not the repository's
    run, out = issue_json(cli, example, *again, "--event", "Penilaian Maladministrasi Pelayanan Publik")
    assert run.exit_code == 0
    assert [e["number"] for e in out["issued"]] == [f"{i:04d}/PHG/II/2023" for i in range(6, 11)]
    text = text_of(example / out["issued"][0]["file"])
    assert "dalam Penilaian Maladministrasi Pelayanan Publik Tahun 2022" in text


def test_revoke_then_verify_then_reissue(cli, example):
    issue_json(cli, example, *ISSUE)
    number = "0002/PHG/II/2023"
    run = cli(example, "certificate", "revoke", number, "--reason", "nilai dikoreksi oleh Keputusan Ketua")
    assert run.exit_code == 0, run.stderr
    assert "revoked 0002/PHG/II/2023" in run.stdout
    verify = cli(example, "certificate", "verify", number, "--json")
    assert verify.exit_code == 1
    got = verify.json()
    assert (got["genuine"], got["revoked"], got["valid"]) == (True, True, False)
    assert got["revoked_reason"] == "nilai dikoreksi oleh Keputusan Ketua"
    assert "revoked on" in verify.stderr
    pdf = next((example / "outputs/certificates/2022").glob("0002-*.pdf"))
    assert cli(example, "certificate", "verify", str(pdf)).exit_code == 1
    human = cli(example, "certificate", "verify", number)
    assert human.stdout.startswith("REVOKED  0002/PHG/II/2023")

    again = cli(example, "certificate", "revoke", number, "--reason", "lagi")
    assert again.exit_code == 1 and "already revoked" in again.stderr
    assert cli(example, "certificate", "revoke", "9999/PHG/PW24/II/2023", "--reason", "x").exit_code == 1
    assert cli(example, "certificate", "revoke", number, "--reason", "  ").exit_code == 1

    # The central office gives the new piagam a new number: a number is never given twice.
    sheet = example / RESULTS
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("0002/PHG/II/2023", "0006/PHG/II/2023"))
    run, out = issue_json(cli, example, *ISSUE[:2], str(sheet), *ISSUE[3:])
    reissued = {e["recipient"]: (e["number"], e["new"]) for e in out["issued"]}
    assert reissued[KUPANG[1]] == ("0006/PHG/II/2023", True)
    assert reissued[KUPANG[0]] == ("0001/PHG/II/2023", False)


def test_verify_unknown_and_foreign_numbers(cli, example):
    issue_json(cli, example, *ISSUE)
    run = cli(example, "certificate", "verify", "0099/PHG/PW24/II/2023", "--json")
    assert run.exit_code == 1
    assert run.json()["genuine"] is False and run.json()["recipient"] is None
    assert "no certificate 0099/PHG/PW24/II/2023" in run.stderr
    assert cli(example, "certificate", "verify", "tidak-ada.pdf").exit_code == 1


def test_tampered_files_are_not_genuine(cli, example, tmp_path):
    _, out = issue_json(cli, example, *ISSUE)
    original = example / out["issued"][0]["file"]

    changed = tmp_path / "ubah-byte.pdf"
    data = bytearray(original.read_bytes())
    data[data.index(b"/Title")] = ord("/")  # a byte that changes nothing visible
    data[-50:-40] = data[-50:-40]
    changed.write_bytes(bytes(data) + b"\n% edited\n")
    run = cli(example, "certificate", "verify", str(changed), "--json")
    assert run.exit_code == 1 and run.json()["genuine"] is False
    assert "modified after issue" in run.stderr

    # Another recipient's name on a copy of a genuine certificate: text and payload checks.
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    forged = tmp_path / "palsu.pdf"
    reader = PdfReader(original)
    writer = PdfWriter()
    writer.append(reader)
    writer.add_metadata({NameObject("/Keywords"): TextStringObject("0002/PHG/II/2023 0123456789ABCDEF")})
    writer.write(forged)
    run = cli(example, "certificate", "verify", str(forged), "--json")
    assert run.exit_code == 1
    reasons = " ".join(run.json()["reasons"])
    assert "QR payload does not match" in reasons
    assert "text does not show the number, recipient, score" in reasons

    combined = cli(example, "certificate", "verify", str(example / out["combined"]))
    assert combined.exit_code == 1 and "5 pages" in combined.stderr

    from reportlab.pdfgen.canvas import Canvas

    plain = tmp_path / "lain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(100, 100, "PIAGAM PENGHARGAAN")
    canvas.save()
    run = cli(example, "certificate", "verify", str(plain))
    assert run.exit_code == 1 and "no verification code" in run.stderr

    junk = tmp_path / "rusak.pdf"
    junk.write_bytes(b"not a pdf")
    run = cli(example, "certificate", "verify", str(junk))
    assert run.exit_code == 1 and "not a readable PDF" in run.stderr and "Traceback" not in run.stderr


def test_verify_without_the_private_key_confirms_the_file(cli, example):
    """Verifying needs only the public key in the tracker: a PC holding no private key."""
    _, out = issue_json(cli, example, *ISSUE)
    (example / KEY).unlink()
    run = cli(example, "certificate", "verify", str(example / out["issued"][0]["file"]), "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["genuine"] is True and run.json()["valid"] is True


# --- bad input -----------------------------------------------------------------------------

BAD_ROWS = """\
instansi;unit;nilai;predikat
Dinas Baik Satu;Pemkot;90,00;
;Pemkot;91,00;
Dinas Huruf;Pemkot;sembilan puluh;
Dinas Lebih;Pemkot;100,5;
Dinas Kembar;Pemkot;80,00;
dinas  kembar;Pemkot;80,00;
Dinas Predikat Aneh;Pemkot;85,00;Z
Dinas Rendah;Pemkot;40,00;
Dinas Baik Dua;Pemkot;87,99;
"""


def test_every_bad_row_reported_good_rows_issued(cli, workspace):
    ws = workspace({"hasil-2022.csv": BAD_ROWS})
    run, out = issue_json(
        cli, ws, "certificate", "issue", "hasil-2022.csv", "--min-grade", "b", "--signed-on", "2023-02-16"
    )
    assert run.exit_code == 1
    assert [e["recipient"] for e in out["issued"]] == ["Dinas Baik Satu", "Dinas Baik Dua"]
    assert [e["grade"] for e in out["issued"]] == ["A", "B"]
    assert [(s["row"], s["grade"]) for s in out["skipped"]] == [(9, "D")]
    errors = {e["row"]: e["error"] for e in out["errors"]}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert errors[3].startswith("instansi: empty")
    assert "'sembilan puluh' is not a number" in errors[4]
    assert "out of range" in errors[5]
    assert "rows 6, 7" in errors[6] and "rows 6, 7" in errors[7]
    assert "predikat: 'Z' is not a grade of the 2022 scheme" in errors[8]
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith("hasil-2022.csv: row 3: instansi: empty")
    assert "Traceback" not in run.stderr
    assert len(PdfReader(ws / out["combined"]).pages) == 2
    # The human form prints what was issued and ends with the summary on stderr.
    human = cli(ws, "certificate", "issue", "hasil-2022.csv", "--min-grade", "B")
    assert human.exit_code == 1
    assert "existing  0001/PHG/PW24/II/2023  Dinas Baik Satu  90,00  A" in human.stdout
    assert human.stderr.strip().endswith("2 issued (0 new), 1 skipped, 6 errors")


def test_boundary_score_and_predikat(cli, workspace):
    ws = workspace(
        {
            "hasil-2022.csv": "instansi;nilai;predikat\nDinas Batas;88,00;\nDinas Hampir;87,99;\n"
            "Dinas Keputusan;80,00;A\n"
        }
    )
    run, out = issue_json(cli, ws, "certificate", "issue", "hasil-2022.csv", "--signed-on", "2023-02-16")
    assert run.exit_code == 0, run.stderr
    assert [(e["recipient"], e["grade"], e["score_text"]) for e in out["issued"]] == [
        ("Dinas Batas", "A", "88,00"),
        ("Dinas Hampir", "B", "87,99"),
        ("Dinas Keputusan", "A", "80,00"),
    ]
    assert "Opini Kualitas Tertinggi (Kategori A, Zona Hijau)" in text_of(ws / out["issued"][0]["file"])
    assert "dengan nilai 88,00" in text_of(ws / out["issued"][0]["file"])
    assert "Opini Kualitas Tinggi (Kategori B, Zona Hijau)" in text_of(ws / out["issued"][1]["file"])
    assert "predikat A differs from the grade of nilai 80,00" in run.stderr


def test_xlsx_input(cli, workspace):
    ws = workspace()
    wb = Workbook()
    sheet = wb.active
    sheet.append(["Peringkat", "Instansi", "Nilai"])
    sheet.append([1, "Dinas Kependudukan dan Pencatatan Sipil Kota Kupang", 88.75])
    sheet.append([2, "Dinas Sosial Kota Kupang", "80,02"])
    sheet.append([3, "Dinas Perhubungan Kota Kupang", 66.3])
    sheet.append([4, "Dinas Tanpa Nilai", None])
    wb.save(ws / "kepatuhan-2022.xlsx")
    run, out = issue_json(cli, ws, "certificate", "issue", "kepatuhan-2022.xlsx", "--signed-on", "2023-02-16")
    assert run.exit_code == 1
    assert [(e["recipient"], e["score"]) for e in out["issued"]] == [
        ("Dinas Kependudukan dan Pencatatan Sipil Kota Kupang", 88.75),
        ("Dinas Sosial Kota Kupang", 80.02),
    ]
    assert out["skipped"][0]["row"] == 4
    assert out["errors"] == [{"row": 5, "error": "nilai: empty (a score from 0 to 100 is required)"}]
    assert "dengan nilai 80,02" in text_of(ws / out["issued"][1]["file"])


def test_zone_scheme_before_2022(cli, workspace):
    ws = workspace({"hasil.csv": "instansi,nilai\nDinas Hijau,81.00\nDinas Kuning,80.99\n"})
    run, out = issue_json(
        cli,
        ws,
        "certificate",
        "issue",
        "hasil.csv",
        "--year",
        "2021",
        "--min-grade",
        "hijau",
        "--signed-on",
        "2022-01-20",
    )
    assert run.exit_code == 0, run.stderr
    assert [e["recipient"] for e in out["issued"]] == ["Dinas Hijau"]
    assert out["issued"][0]["number"] == "0001/PHG/PW24/I/2022"  # signed in January 2022
    text = text_of(ws / out["issued"][0]["file"])
    assert "atas capaian Predikat Kepatuhan Tinggi (Zona Hijau) dalam Penilaian Kepatuhan" in text
    assert "Tahun 2021 dengan nilai 81,00" in text and "Kupang, 20 Januari 2022" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hasil.csv",), "--year: give the assessment year"),
        (("hasil.csv", "--year", "2022", "--min-grade", "Emas"), "--min-grade: 'Emas' is not a grade"),
        (("hasil.csv", "--year", "2022", "--signed-on", "2022-02-30"), "Invalid value for '--signed-on'"),
        (("hasil.csv", "--year", "2022", "--signed-on", "2021-12-31"), "before the assessment year 2022"),
        (("hasil.csv", "--year", "1800"), "--year: 1800 is not an assessment year"),
        (("hasil.csv", "--year", "2022", "--event", "  "), "--event: empty"),
        (("tidak-ada.csv", "--year", "2022"), "tidak-ada.csv: no such file"),
        (("kolom.csv", "--year", "2022"), "kolom.csv: no header row with the columns"),
    ],
)
def test_bad_invocations_change_nothing(cli, workspace, args, message):
    ws = workspace({"hasil.csv": "instansi,nilai\nDinas A,90\n", "kolom.csv": "nama,skor\nDinas A,90\n"})
    run = cli(ws, "certificate", "issue", *args)
    assert run.exit_code == (2 if "Invalid value" in message else 1)  # a malformed date: usage
    assert message in run.stderr and "Traceback" not in run.stderr
    assert not (ws / "tracker.json").exists()
    assert not (ws / "outputs" / "certificates").exists()


def test_year_from_file_name_and_a_warning_when_it_differs(cli, workspace):
    ws = workspace({"kepatuhan-2023.csv": "instansi,nilai\nDinas A,90\n"})
    run, out = issue_json(cli, ws, "certificate", "issue", "kepatuhan-2023.csv", "--signed-on", "2024-02-01")
    assert out["year"] == 2023 and out["issued"][0]["number"] == "0001/PHG/PW24/II/2024"
    assert out["issued"][0]["file"].startswith("outputs/certificates/2023/")
    run = cli(ws, "certificate", "issue", "kepatuhan-2023.csv", "--year", "2022", "--signed-on", "2024-02-01")
    assert run.exit_code == 0
    assert "warning: --year 2022, but the file name 'kepatuhan-2023.csv' says 2023" in run.stderr


def test_broken_layout_stops_before_any_number(cli, workspace):
    ws = workspace(
        {
            "hasil-2022.csv": "instansi,nilai\nDinas A,90\n",
            "templates/sertifikat.toml": '[qr]\nx = 10\ny = 10\n[[text]]\ntext = "{{ nama }}"\n',
        }
    )
    run = cli(ws, "certificate", "issue", "hasil-2022.csv")
    assert run.exit_code == 1
    assert "templates/sertifikat.toml: text.0.text: unknown variable 'nama'" in run.stderr
    assert not (ws / "tracker.json").exists()


def test_a_failed_render_leaves_tracker_and_outputs_untouched(cli, example, monkeypatch):
    issue_json(cli, example, *ISSUE)
    before = registry_files(example)
    listing = sorted(p.name for p in (example / "outputs/certificates/2022").rglob("*"))
    import docgen.app.certificates as certificates

    real = certificates.render_certificates

    def crash(*args, **kwargs):
        real(*args, **kwargs)  # every temporary file is written...
        raise OSError("disk full")  # ...then the run fails before the commit

    monkeypatch.setattr(certificates, "render_certificates", crash)
    (example / "results" / "baru-2022.csv").write_text(
        "instansi,nilai,nomor\nDinas Baru,95,0006/PHG/II/2023\n", encoding="utf-8"
    )
    run = cli(example, "certificate", "issue", "results/baru-2022.csv", "--signed-on", "2023-02-16")
    assert run.exit_code == 1 and "disk full" in run.stderr
    assert registry_files(example) == before
    assert sorted(p.name for p in (example / "outputs/certificates/2022").rglob("*")) == listing


def test_many_certificates_in_one_run(cli, workspace):
    rows = "\n".join(f"Dinas Contoh Nomor {i};{78 + i % 20},{i % 100:02d}" for i in range(60))
    ws = workspace({"hasil-2022.csv": "instansi;nilai\n" + rows + "\n"})
    run, out = issue_json(cli, ws, "certificate", "issue", "hasil-2022.csv", "--signed-on", "2023-02-16")
    assert run.exit_code == 0, run.stderr
    assert len(out["issued"]) == 60 and out["issued"][-1]["number"] == "0060/PHG/PW24/II/2023"
    combined = PdfReader(ws / out["combined"])
    assert len(combined.pages) == 60
    assert "DINAS CONTOH NOMOR 59" in combined.pages[59].extract_text()
    last = out["issued"][-1]
    assert "Nomor: 0060/PHG/PW24/II/2023" in text_of(ws / last["file"])
    assert cli(ws, "certificate", "verify", str(ws / last["file"])).exit_code == 0
    assert not list((ws / "outputs").rglob("*.tmp"))


def test_custom_layout_with_truetype_font_and_logo(cli, workspace):
    import reportlab
    from PIL import Image

    ws = workspace({"hasil-2022.csv": "instansi,nilai\nDinas Łosial Kota Kupang,90\nDinas Śosial,91\n"})
    shutil.copy(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", ws / "templates" / "Vera.ttf")
    Image.new("RGB", (40, 40), (31, 58, 104)).save(ws / "templates" / "logo.png")
    (ws / "templates" / "sertifikat.toml").write_text(
        '[page]\nsize = "F4"\norientation = "portrait"\n[fonts]\nVera = "Vera.ttf"\n'
        '[logo]\nfile = "logo.png"\ny = 15\nwidth = 20\n'
        "[qr]\nx = 20\ny = 280\nsize = 25\n"
        '[[text]]\ntext = "SERTIFIKAT {{ number }}"\nfont = "Vera"\nsize = 20\ny = 60\n'
        '[[text]]\ntext = "{{ recipient }} — {{ grade_text }}"\nfont = "Vera"\ndy = 10\n',
        encoding="utf-8",
    )
    assert cli(ws, "check").exit_code == 0
    run, out = issue_json(cli, ws, "certificate", "issue", "hasil-2022.csv", "--signed-on", "2023-02-16")
    assert out["errors"] == [{"row": 3, "error": out["errors"][0]["error"]}]
    assert "'Ś' cannot be printed in the layout's fonts" in out["errors"][0]["error"]
    pdf = ws / out["issued"][0]["file"]
    page = PdfReader(pdf).pages[0]
    assert round(float(page.mediabox.height) / 72 * 25.4) == 330
    text = text_of(pdf)
    assert "SERTIFIKAT 0001/PHG/PW24/II/2023" in text
    assert "Dinas Łosial Kota Kupang — Opini Kualitas Tertinggi (Kategori A, Zona Hijau)" in text
    assert cli(ws, "certificate", "verify", str(pdf)).exit_code == 0


def test_a_name_the_standard_fonts_cannot_print_is_an_error_row(cli, workspace):
    ws = workspace({"hasil-2022.csv": "instansi,nilai\nDinas Śosial,90\nDinas Sosial,90\n"})
    run, out = issue_json(cli, ws, "certificate", "issue", "hasil-2022.csv")
    assert run.exit_code == 1
    assert [e["recipient"] for e in out["issued"]] == ["Dinas Sosial"]
    assert out["errors"][0]["row"] == 2 and "'Ś' cannot be printed" in out["errors"][0]["error"]


def test_check_reports_layout_problems(cli, workspace):
    ws = workspace(
        {
            "templates/sertifikat.toml": '[qr]\nx = 1\ny = 1\nwarna = "merah"\n'
            '[[text]]\ntext = "{{ nomor }} {{ number | huruf }}"\n'
            '[[text]]\ntext = "{% if %}"\n'
        }
    )
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert "templates/sertifikat.toml: qr.warna: unknown field" in run.stderr
    (ws / "templates" / "sertifikat.toml").write_text(
        '[qr]\nx = 1\ny = 1\n[[text]]\ntext = "{{ nomor }} {{ number | huruf }}"\n'
        '[[text]]\ntext = "{% if %}"\n[[text]]\ntext = "{{ office.nmae }}"\n',
        encoding="utf-8",
    )
    run = cli(ws, "check")
    lines = run.stderr.splitlines()
    assert "templates/sertifikat.toml: text.0.text: unknown variable 'nomor' (known: " in run.stderr
    assert "templates/sertifikat.toml: text.0.text: unknown filter 'huruf'" in lines
    assert any(
        line.startswith("templates/sertifikat.toml: text.1.text: Jinja syntax error") for line in lines
    )
    (ws / "templates" / "sertifikat.toml").write_text("[qr\n", encoding="utf-8")
    run = cli(ws, "check")
    assert run.exit_code == 1 and "templates/sertifikat.toml: invalid TOML" in run.stderr
    (ws / "templates" / "sertifikat.toml").write_text(
        '[qr]\nx = 1\ny = 1\n[[text]]\ntext = "{{ office.nmae }}"\n', encoding="utf-8"
    )
    run = cli(ws, "check")
    assert "templates/sertifikat.toml: text.0.text: 'dict object' has no attribute 'nmae'" in run.stderr


def test_default_layout_is_installed_by_init(cli, tmp_path):
    run = cli(None, "init", str(tmp_path / "kantor"))
    assert run.exit_code == 0
    assert (tmp_path / "kantor" / "templates" / "sertifikat.toml").is_file()


def test_issue_reports_its_progress_once_per_certificate(workspace):
    rows = "\n".join(f"Dinas Contoh Nomor {i};90,00" for i in range(45))
    ws = workspace({"hasil-2022.csv": "instansi;nilai\n" + rows + "\n"})
    seen = []

    def progress(items, total, label):
        seen.append((total, label))
        for item in items:
            seen.append(item)
            yield item

    from docgen.app.certificates import issue
    from docgen.workspace import Workspace

    report = issue(Workspace(ws), ws / "hasil-2022.csv", progress=progress)
    assert len(report.issued) == 45 and not report.errors
    assert seen[0] == (45, "Certificates") and len(seen) == 46
    assert len(PdfReader(ws / report.combined).pages) == 45


def test_a_certificate_that_cannot_be_put_in_place_records_nothing(cli, example):
    folder = example / "outputs/certificates/2022"
    blocked = folder / "0002-phg-ii-2023-dinas-penanaman-modal-dan-pelayanan-terpadu-satu-pintu-kota.pdf"
    blocked.mkdir(parents=True)  # a folder where the PDF goes
    run = cli(example, *ISSUE)
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        f"{ws_rel(blocked, example)}: exists and is a folder, not a file docgen can replace"
    ]
    assert not (example / "tracker.json").exists() and not (example / "tracker-numbers").exists()
    assert sorted(p.name for p in folder.rglob("*")) == [blocked.name]  # no PDF left


def test_a_failed_rename_is_finished_by_docgen_check(cli, example, monkeypatch):
    # A PDF open in a viewer on Windows cannot be replaced: the numbers are committed
    # before the files are put in place (state/journal.py), so the rename fails after
    # them; the command says so and the next `docgen check` finishes the work.
    import socket

    import docgen.state.journal as journal

    real = journal.os.replace

    def replace(src, dst):
        if "0003-" in str(dst):
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(journal.os, "replace", replace)
    run = cli(example, *ISSUE)
    assert run.exit_code == 1
    (line,) = run.stderr.splitlines()
    assert "0003-phg-ii-2023" in line and "Permission denied" in line and "docgen check" in line
    monkeypatch.setattr(journal.os, "replace", real)
    # As another process would (this one closes its own entries).
    other = socket.gethostname() + "-other"
    monkeypatch.setattr(journal.socket, "gethostname", lambda: other)
    run = cli(example, "check")
    assert "finished `docgen certificate issue`" in run.stderr
    numbers = {r["number"] for r in json.loads(cli(example, "number", "list", "--json").stdout)}
    pdfs = sorted((example / "outputs/certificates/2022").glob("*.pdf"))
    assert len(pdfs) == len(numbers) and all(p.name[:4] in {n[:4] for n in numbers} for p in pdfs)
    assert not list(example.rglob("*.docgen-pending"))


def ws_rel(path, root):
    return path.relative_to(root).as_posix()
