"""`docgen serve`'s pages through Starlette's TestClient, and `docgen user`.

Every route: sign-in required (303 to the form, 401 for JSON), wrong passwords, CSRF and
Origin refused, roles, upload limits, names and URLs that try to leave the workspace, the
JSON shapes (those of the CLI's --json), and the public verification page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from docgen.app import users
from docgen.app.certificates import TABLE as CERTIFICATES
from docgen.domain.certificates import payload
from docgen.records import LETTERS
from docgen.state import open_tracker
from docgen.web.app import create_app
from docgen.workspace import find_workspace
from tests.conftest import tracker_history

BASE = "http://127.0.0.1:8000"
VERIFY_URL = "https://kerjasama.example.go.id/verifikasi/{number}?c={checksum}"
PASSWORD = "rahasia-kantor-ntt"
JSON = {"accept": "application/json"}
AID, DID = "ntt-renja-2022", "W1-D1"


def configure(root: Path, web: str = "", verify_url: str = VERIFY_URL) -> None:
    text = (root / "docgen.toml").read_text(encoding="utf-8")
    text = text.replace('signatory = "ketua"\n', f'signatory = "ketua"\nverify_url = "{verify_url}"\n')
    (root / "docgen.toml").write_text(text + (f"\n[web]\n{web}\n" if web else ""), encoding="utf-8")


@pytest.fixture
def site(example: Path):
    """The example workspace with verify_url set, an admin, an editor and a viewer."""
    configure(example)
    ws = find_workspace(example)
    for name, role in (("ani", "admin"), ("edi", "editor"), ("vina", "viewer")):
        users.add_user(ws, name, role, PASSWORD)
    return example


def client(root: Path, **kwargs) -> TestClient:
    return TestClient(create_app(find_workspace(root)), base_url=BASE, **kwargs)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found[1]


def sign_in(c: TestClient, name: str, password: str = PASSWORD) -> str:
    """Signs in through the form; the session's CSRF token."""
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": name, "password": password, "csrf": token, "next": "/"})
    assert r.status_code == 200, r.text[:300]
    return csrf_of(c.get("/").text)


def issue_certificates(root: Path) -> list[dict]:
    from docgen.app.certificates import issue

    ws = find_workspace(root)
    issue(ws, root / "results" / "kepatuhan-2022-kota-kupang.csv")
    with open_tracker(ws).read() as session:
        return session.records(CERTIFICATES)


def qr_path(root: Path, record: dict) -> str:
    """The path and query of the certificate's QR address (on this server)."""
    url = payload(record["number"], record["proof"], record["verify_url"])  # its signature
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- users -----------------------------------------------------------------------------------


def test_user_commands_store_only_an_argon2id_hash(example, cli):
    r = cli(example, "user", "add", "rina", "--role", "editor", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0, r.stderr
    raw = (example / "tracker.json").read_text(encoding="utf-8")
    assert PASSWORD not in raw and "$argon2id$" in raw
    listed = cli(example, "user", "list", "--json").json()
    assert [(u["name"], u["role"]) for u in listed] == [("rina", "editor")]
    assert "hash" not in listed[0]
    # a second line that differs, a short password, a taken name, an unknown role
    assert (
        cli(
            example, "user", "add", "budi", "--role", "viewer", input=f"{PASSWORD}\nother-password\n"
        ).exit_code
        == 1
    )
    assert cli(example, "user", "add", "budi", "--role", "viewer", input="short\n").exit_code == 1
    assert cli(example, "user", "add", "rina", "--role", "viewer", input=f"{PASSWORD}\n").exit_code == 1
    assert cli(example, "user", "add", "budi", "--role", "boss", input=f"{PASSWORD}\n").exit_code == 2
    assert cli(example, "user", "add", "../x", "--role", "viewer", input=f"{PASSWORD}\n").exit_code == 1
    ws = find_workspace(example)
    assert users.authenticate(ws, "rina", PASSWORD) == users.User("rina", "editor")
    assert cli(example, "user", "passwd", "rina", input="a-new-password-2\n").exit_code == 0
    assert users.authenticate(ws, "rina", PASSWORD) is None
    assert users.authenticate(ws, "rina", "a-new-password-2") is not None
    assert cli(example, "user", "remove", "rina").exit_code == 0
    assert users.authenticate(ws, "rina", "a-new-password-2") is None
    assert cli(example, "user", "list", "--json").json() == []
    assert cli(example, "user", "remove", "rina").exit_code == 1


def test_users_on_postgresql_per_office(example, cli, pg_url, monkeypatch):
    monkeypatch.setenv("DOCGEN_TRACKER_URL", pg_url)
    assert cli(example, "user", "add", "rina", "--role", "admin", input=f"{PASSWORD}\n").exit_code == 0
    other = example.parent / "other"
    other.mkdir()
    (other / "docgen.toml").write_text(
        (example / "docgen.toml")
        .read_text(encoding="utf-8")
        .replace('unit_code = "PW24"', 'unit_code = "PW01"'),
        encoding="utf-8",
    )
    assert cli(other, "user", "list", "--json").json() == []  # another office's users
    assert users.authenticate(find_workspace(example), "rina", PASSWORD) is not None
    assert users.authenticate(find_workspace(other), "rina", PASSWORD) is None
    import psycopg

    with psycopg.connect(pg_url) as conn:
        (data,) = conn.execute("SELECT data FROM docgen.users WHERE office = 'PW24'").fetchone()
        policies = {
            r[0] for r in conn.execute("SELECT policyname FROM pg_policies WHERE tablename = 'users'")
        }
    assert data["hash"].startswith("$argon2id$")
    assert {"read_own", "insert_own", "update_own", "delete_own"} <= policies


# --- sign-in, sessions, CSRF, roles -----------------------------------------------------------


def test_anonymous_pages_redirect_to_the_form_and_json_gets_401(site):
    c = client(site)
    for path in ("/", f"/agreements/{AID}", "/letters", "/certificates", "/verifications", "/national"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
        assert c.get(path, headers=JSON).status_code == 401
    r = c.post(f"/agreements/{AID}/deliverables/{DID}", data={"status": "done"}, follow_redirects=False)
    assert r.status_code == 303
    assert not tracker_history(site)


def test_sign_in_sets_a_new_http_only_lax_cookie_and_logout_needs_csrf(site):
    c = client(site)
    form = c.get("/login")
    assert 'name="username"' in form.text and 'name="password"' in form.text
    token = csrf_of(form.text)
    c.cookies.set("docgen_session", "planted-by-an-attacker")
    r = c.post(
        "/login", data={"username": "edi", "password": PASSWORD, "csrf": token}, follow_redirects=False
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    session = re.search(r"docgen_session=([^;]+)", cookie)[1]
    assert session and session != "planted-by-an-attacker"
    c.cookies.clear()
    c.cookies.set("docgen_session", session)
    page = c.get("/")
    assert page.status_code == 200 and "edi" in page.text
    assert c.post("/logout", data={}).status_code == 403  # no CSRF token: still signed in
    assert c.get("/", follow_redirects=False).status_code == 200
    assert c.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False).status_code == 303
    assert c.get("/", follow_redirects=False).status_code == 303


def test_secure_cookie_over_https(site):
    c = TestClient(create_app(find_workspace(site)), base_url="https://kerjasama.example.go.id")
    token = csrf_of(c.get("/login").text)
    r = c.post(
        "/login", data={"username": "edi", "password": PASSWORD, "csrf": token}, follow_redirects=False
    )
    assert "Secure" in r.headers["set-cookie"]


def test_wrong_password_unknown_user_and_throttling(site):
    configure_web = "login_attempts = 3\nlogin_lockout_seconds = 600\n"
    (site / "docgen.toml").write_text(
        (site / "docgen.toml").read_text(encoding="utf-8") + f"\n[web]\n{configure_web}", encoding="utf-8"
    )
    c = client(site)
    token = csrf_of(c.get("/login").text)
    for name in ("edi", "nobody"):
        r = c.post("/login", data={"username": name, "password": "wrong-password", "csrf": token})
        assert r.status_code == 401 and "docgen_session" not in c.cookies
    assert (
        c.post("/login", data={"username": "edi", "password": "wrong-again!", "csrf": token}).status_code
        == 401
    )
    # three failures from this address: refused for a while, even with the right password
    r = c.post("/login", data={"username": "edi", "password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # another address, but the name itself failed: edi had two failures, one more locks it
    other = TestClient(create_app(find_workspace(site)), base_url=BASE, client=("10.0.0.9", 5000))
    token = csrf_of(other.get("/login").text)
    assert (
        other.post("/login", data={"username": "ani", "password": PASSWORD, "csrf": token}).status_code == 200
    )


def test_login_form_without_its_token_is_refused(site):
    c = client(site)
    c.get("/login")
    r = c.post("/login", data={"username": "edi", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403 and "docgen_session" not in c.cookies


def test_redirect_after_sign_in_stays_on_this_site(site):
    c = client(site)
    token = csrf_of(c.get("/login").text)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        c.cookies.delete("docgen_session")
        r = c.post(
            "/login",
            data={"username": "edi", "password": PASSWORD, "csrf": token, "next": target},
            follow_redirects=False,
        )
        assert r.headers["location"] == "/"
        token = csrf_of(c.get("/login").text)


def test_post_without_valid_csrf_or_from_another_origin_changes_nothing(site):
    c = client(site)
    token = sign_in(c, "edi")
    url = f"/agreements/{AID}/deliverables/{DID}"
    assert c.post(url, data={"status": "done", "on": "2022-03-30"}).status_code == 403
    assert c.post(url, data={"status": "done", "on": "2022-03-30", "csrf": "x" + token}).status_code == 403
    r = c.post(url, data={"status": "done", "csrf": token}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    r = c.post(url, data={"status": "done", "csrf": token}, headers={"referer": "https://evil.example/x"})
    assert r.status_code == 403
    assert not tracker_history(site)
    r = c.post(url, data={"status": "done", "on": "2022-03-30", "csrf": token}, headers={"origin": BASE})
    assert r.status_code == 200  # followed to the agreement page
    assert len(tracker_history(site, AID)) == 1


def test_roles(site):
    records = issue_certificates(site)
    number = records[0]["number"]
    viewer = client(site)
    token = sign_in(viewer, "vina")
    assert viewer.get(f"/agreements/{AID}").status_code == 200
    assert 'enctype="multipart/form-data"' not in viewer.get(f"/agreements/{AID}").text  # no update form
    r = viewer.post(f"/agreements/{AID}/deliverables/{DID}", data={"status": "done", "csrf": token})
    assert r.status_code == 403
    assert viewer.post("/letters/followup", data={"agreement": AID, "csrf": token}).status_code == 403
    assert (
        viewer.post("/certificates/revoke", data={"number": number, "reason": "x", "csrf": token}).status_code
        == 403
    )
    assert viewer.get("/verifications").status_code == 403
    editor = client(site)
    token = sign_in(editor, "edi")
    r = editor.post("/certificates/revoke", data={"number": number, "reason": "salah", "csrf": token})
    assert r.status_code == 403
    assert not tracker_history(site)
    with open_tracker(find_workspace(site)).read() as session:
        assert not session.record(CERTIFICATES, number).get("revoked")
    admin = client(site)
    token = sign_in(admin, "ani")
    r = admin.post(
        "/certificates/revoke", data={"number": number, "reason": "data keliru", "csrf": token}, headers=JSON
    )
    assert r.status_code == 200 and r.json()["revoked_by"] == "ani"


def test_a_removed_user_is_signed_out(site):
    c = client(site)
    sign_in(c, "edi")
    users.remove_user(find_workspace(site), "edi")
    assert c.get("/", follow_redirects=False).status_code == 303


def test_idle_sessions_expire(site):
    app = create_app(find_workspace(site))
    c = TestClient(app, base_url=BASE)
    sign_in(c, "edi")
    app.state.web.sessions.idle = 0  # every request is now "too long" after the last
    assert c.get("/", follow_redirects=False).status_code == 303


# --- pages and their JSON ---------------------------------------------------------------------


def test_dashboard_json_is_the_monitor_json(site, cli):
    c = client(site)
    sign_in(c, "vina")
    as_of = "2022-07-01"
    page = c.get(f"/?as_of={as_of}", headers=JSON)
    assert page.status_code == 200
    assert page.json() == cli(site, "monitor", "--as-of", as_of, "--json").json()
    html = c.get(f"/?as_of={as_of}").text
    assert "<svg" in html and f'href="/agreements/{AID}"' in html
    # the deliverables due soon, listed one by one (the report counts them per agreement)
    report = page.json()
    assert len(report["due_soon"]) == report["summary"]["due_soon"] > 0
    for row in report["due_soon"]:
        assert row["days_left"] >= 0 and row["parties"]
        assert f'#d-{row["id"]}"' in html
    assert c.get("/?as_of=2022-02-30", headers=JSON).status_code == 400


def test_agreement_page_records_an_update_with_evidence(site, cli):
    c = client(site)
    token = sign_in(c, "edi")
    page = c.get(f"/agreements/{AID}?as_of=2022-07-01")
    assert page.status_code == 200
    assert page.text.count('enctype="multipart/form-data"') >= 3  # one update form per deliverable
    r = c.post(
        f"/agreements/{AID}/deliverables/{DID}",
        data={"csrf": token, "status": "done", "on": "2022-03-30", "note": "<script>alert(1)</script>"},
        files=[
            ("evidence", ("../../..\\Notulen Rapat: TW I.pdf", b"%PDF-1.4 notulen", "application/pdf")),
            ("evidence", ("foto.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")),
        ],
        headers=JSON,
    )
    assert r.status_code == 200, r.text
    (event,) = r.json()["events"]
    assert event["user"] == "edi" and event["status"] == "done"
    files = [e["file"] for e in event["evidence"]]
    assert files == [
        f"agreements/{AID}/evidence/Notulen Rapat-TW I.pdf",
        f"agreements/{AID}/evidence/foto.jpg",
    ]
    assert (site / files[0]).read_bytes() == b"%PDF-1.4 notulen"
    history = cli(site, "deliverable", "history", AID, DID, "--json").json()
    assert history[-1]["user"] == "edi"
    entries = cli(site, "agreement", "history", AID, "--json").json()
    assert any(e["user"] == "edi" and e["kind"] == "deliverable" for e in entries)
    html = c.get(f"/agreements/{AID}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert ">edi<" in html
    data = c.get(f"/agreements/{AID}", headers=JSON).json()
    (row,) = [d for d in data["deliverables"] if d["id"] == DID]
    assert row["status"] == "done" and row["history"][0]["user"] == "edi"
    assert {"parties", "work_items", "drafts", "letters", "problems", "warnings"} <= set(data)
    # the evidence, as an attachment that is never sniffed
    download = c.get(f"/agreements/{AID}/evidence/{event['id']}/0")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 notulen"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"


def test_update_errors_are_shown_and_nothing_is_recorded(site):
    c = client(site)
    token = sign_in(c, "edi")
    url = f"/agreements/{AID}/deliverables/{DID}"
    r = c.post(url, data={"csrf": token, "status": "finished"}, headers=JSON)
    assert r.status_code == 400 and "finished" in r.json()["errors"][0]
    r = c.post(f"/agreements/{AID}/deliverables/NOPE", data={"csrf": token, "status": "done"}, headers=JSON)
    assert r.status_code == 404
    page = c.post(url, data={"csrf": token, "status": "finished"})  # the page shows the message
    assert page.status_code == 200 and "finished" in page.text
    assert not tracker_history(site)
    assert not (site / "agreements" / AID / "evidence").exists()


def test_retract_from_the_page(site, cli):
    c = client(site)
    token = sign_in(c, "edi")
    c.post(
        f"/agreements/{AID}/deliverables/{DID}", data={"csrf": token, "status": "done", "on": "2022-03-30"}
    )
    r = c.post(
        f"/agreements/{AID}/deliverables/{DID}/retract",
        data={"csrf": token, "event": "1", "reason": "salah keluaran"},
        headers=JSON,
    )
    assert r.status_code == 200 and r.json()["user"] == "edi"
    history = cli(site, "deliverable", "history", AID, DID, "--json").json()
    assert history[0]["retracted_by"] == "2"
    r = c.post(
        f"/agreements/{AID}/deliverables/{DID}/retract", data={"csrf": token, "event": "1", "reason": "again"}
    )
    assert "already retracted" in r.text


def test_upload_limits(site):
    configure_web = "upload_max_mb = 0.001\nupload_max_files = 2\n"
    (site / "docgen.toml").write_text(
        (site / "docgen.toml").read_text(encoding="utf-8") + f"\n[web]\n{configure_web}", encoding="utf-8"
    )
    c = client(site)
    token = sign_in(c, "edi")
    url = f"/agreements/{AID}/deliverables/{DID}"
    big = [("evidence", ("besar.pdf", b"x" * 5000, "application/pdf"))]
    assert c.post(url, data={"csrf": token, "status": "done"}, files=big).status_code == 413
    many = [("evidence", (f"{i}.pdf", b"x", "application/pdf")) for i in range(3)]
    assert c.post(url, data={"csrf": token, "status": "done"}, files=many).status_code == 400
    assert not tracker_history(site)
    assert not (site / "agreements" / AID / "evidence").exists()


def test_the_web_config_is_validated(site, cli):
    (site / "docgen.toml").write_text(
        (site / "docgen.toml").read_text(encoding="utf-8") + "\n[web]\nverify_limit = 0\nsecret = 1\n",
        encoding="utf-8",
    )
    r = cli(site, "check")
    assert r.exit_code == 1 and "web.verify_limit" in r.stderr and "web.secret" in r.stderr


def test_files_are_served_by_record_never_by_path(site):
    c = client(site)
    sign_in(c, "vina")
    (site / "secret.txt").write_text("not for the web", encoding="utf-8")
    for path in (
        "/agreements/..%2F..%2Fsecret.txt/draft.docx",
        "/agreements/../draft.docx",
        f"/agreements/{AID}/evidence/1/0",
        f"/agreements/{AID}/evidence/..%2F..%2Fsecret/0",
        "/letters/download?number=../../secret.txt",
        "/certificates/download?number=../secret.txt",
        "/certificates/print?year=2022&name=../../../secret.txt",
        "/static/../secret.txt",
        "/static/..%2F..%2F..%2Fsecret.txt",
        "/../../secret.txt",
    ):
        r = c.get(path)
        assert r.status_code in (400, 404), path
        assert "not for the web" not in r.text, path


def test_letters_pages(site):
    c = client(site)
    token = sign_in(c, "edi")
    r = c.post(
        "/letters/followup", data={"csrf": token, "agreement": AID, "as_of": "2022-07-01"}, headers=JSON
    )
    assert r.status_code == 200, r.text
    rows = r.json()
    assert rows and {"number", "agreement", "party", "org", "file", "items", "new"} <= set(rows[0])
    letters = c.get("/letters", headers=JSON).json()
    assert [x["number"] for x in letters] == [x["number"] for x in rows]
    number = rows[0]["number"]
    doc = c.get("/letters/download", params={"number": number})
    assert doc.status_code == 200 and doc.content[:2] == b"PK"
    assert number in c.get(f"/agreements/{AID}").text
    r = c.post(
        "/letters/void", data={"csrf": token, "number": number, "reason": "tidak terkirim"}, headers=JSON
    )
    assert r.status_code == 200 and r.json()["void"] is True
    assert c.get("/letters", headers=JSON).json()[0]["void"] is True
    from docgen.app.letters import show_letter

    letter = show_letter(find_workspace(site), number)
    assert letter["number"] == number
    assert tracker_letter(site, number)["user"] == "edi"
    assert tracker_letter(site, number)["voided_by"] == "edi"


def tracker_letter(root: Path, number: str) -> dict:
    with open_tracker(find_workspace(root)).read() as session:
        return session.record(LETTERS, number)


def test_a_large_batch_is_issued_from_the_web_with_a_second_process(site, forks, monkeypatch):
    # The web face issues through the same use case, inside the server's worker thread:
    # a batch of FORK_FROM or more is laid out and drawn by a forked second process there
    # too (render/fork.py), and every certificate and page comes back.
    from pypdf import PdfReader

    from docgen.render import fork
    from docgen.render.certificate_pdf import FORK_FROM

    monkeypatch.delenv("DOCGEN_ONE_PROCESS", raising=False)
    n = FORK_FROM + 6
    sheet = "instansi;unit;nilai;nomor\n" + "".join(  # the Ketua's numbers are given (pusat)
        f"Dinas Nomor {i} Kota Kupang;;9{i % 10},5;{i + 101:04d}/PHG/II/2023\n" for i in range(n)
    )
    c = client(site)
    token = sign_in(c, "edi")
    r = c.post(
        "/certificates/issue",
        data={"csrf": token, "year": "2022"},
        files={"sheet": ("besar-2022.csv", sheet.encode(), "text/csv")},
        headers=JSON,
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert len(report["issued"]) == n and not report["errors"]
    assert len({e["number"] for e in report["issued"]}) == n
    assert len(forks) == (2 if fork.available() else 0)
    pages = PdfReader(site / report["combined"]).pages
    assert len(pages) == n
    last = report["issued"][-1]
    assert last["number"] in pages[-1].extract_text()


def test_certificate_pages(site):
    c = client(site)
    token = sign_in(c, "edi")
    sheet = (site / "results" / "kepatuhan-2022-kota-kupang.csv").read_bytes()
    sheet += b"Dinas Kosong;abc\n" if b";" in sheet else b"Dinas Kosong,abc\n"
    r = c.post(
        "/certificates/issue",
        data={"csrf": token, "year": "2022"},
        files={"sheet": ("../../kepatuhan-2022-kota-kupang.csv", sheet, "text/csv")},
        headers=JSON,
    )
    report = r.json()
    assert r.status_code == 400  # a row with an error; the good rows are issued all the same
    assert report["issued"] and report["errors"][0]["row"] == len(sheet.decode().strip().splitlines())
    page = c.post(
        "/certificates/issue",
        data={"csrf": token, "year": "2022"},
        files={"sheet": ("kepatuhan-2022-kota-kupang.csv", sheet, "text/csv")},
    )
    assert "Dinas Kosong" in page.text or str(report["errors"][0]["row"]) in page.text
    listing = c.get("/certificates?year=2022", headers=JSON).json()
    assert listing["year"] == 2022 and len(listing["certificates"]) == len(report["issued"])
    assert listing["certificates"][0]["user"] == "edi"
    number = listing["certificates"][0]["number"]
    pdf = c.get("/certificates/download", params={"number": number})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (name,) = listing["print_files"]
    combined = c.get("/certificates/print", params={"year": "2022", "name": name})
    assert combined.status_code == 200 and combined.content.startswith(b"%PDF")


def test_national_view_needs_a_shared_tracker(site):
    c = client(site)
    sign_in(c, "vina")
    r = c.get("/national", headers=JSON)
    assert r.status_code == 400 and r.json()["errors"]


def test_national_view_on_postgresql(site, cli, pg_url, monkeypatch):
    monkeypatch.setenv("DOCGEN_TRACKER_URL", pg_url)
    ws = find_workspace(site)
    users.add_user(ws, "vina", "viewer", PASSWORD)
    assert cli(site, "sync").exit_code == 0
    c = client(site)
    sign_in(c, "vina")
    r = c.get("/national?as_of=2022-07-01", headers=JSON)
    assert r.status_code == 200
    assert r.json() == cli(site, "monitor", "--all-offices", "--as-of", "2022-07-01", "--json").json()
    assert "PW24" in c.get("/national?as_of=2022-07-01").text


# --- the public verification page ------------------------------------------------------------


def test_verification_page(site, cli):
    records = issue_certificates(site)
    record = records[0]
    path = qr_path(site, record)
    assert path.startswith("/verifikasi/") and "%2F" in path
    public = client(site)
    r = public.get(path)
    assert r.status_code == 200 and "ASLI" in r.text
    assert r.headers["cache-control"] == "no-store" and r.headers["x-robots-tag"] == "noindex"
    for printed in (record["number"], record["recipient"], record["score_text"], record["grade_text"]):
        assert printed in r.text
    data = public.get(path, headers=JSON).json()
    assert data["outcome"] == "genuine" and data["recipient"] == record["recipient"]
    # a wrong proof and an unknown number: the same 404 page
    altered = public.get(path[:-1] + ("0" if path[-1] != "0" else "1"))
    unknown = public.get(path.replace("0001", "0999"))
    assert altered.status_code == unknown.status_code == 404
    assert altered.text == unknown.text and "TIDAK DITEMUKAN" in altered.text
    assert public.get(path.split("?")[0]).status_code == 404  # no proof at all
    # revoked: 200, DICABUT with date and reason
    assert (
        cli(site, "certificate", "revoke", record["number"], "--reason", "data penilaian keliru").exit_code
        == 0
    )
    r = public.get(path)
    assert r.status_code == 200 and "DICABUT" in r.text and "data penilaian keliru" in r.text
    # every verification is logged and listed for admins
    log = json.loads(json.dumps(client(site).get("/", headers=JSON).status_code))
    assert log == 401
    admin = client(site)
    sign_in(admin, "ani")
    entries = admin.get("/verifications", headers=JSON).json()
    assert [e["outcome"] for e in entries][:2] == ["revoked", "not_found"]
    assert entries[0]["number"] == record["number"] and entries[0]["address"] == "testclient"
    assert {"at", "number", "outcome", "address"} <= set(entries[-1])


def test_verification_page_answers_without_users_and_is_rate_limited(example):
    configure(example, web="verify_limit = 3\nverify_window_seconds = 60\n")
    record = issue_certificates(example)[0]
    c = client(example)
    path = qr_path(example, record)
    assert [c.get(path).status_code for _ in range(3)] == [200, 200, 200]
    r = c.get(path)
    assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 60
    other = TestClient(create_app(find_workspace(example)), base_url=BASE, client=("10.1.1.1", 1))
    assert other.get(path).status_code == 200
    assert c.get("/", follow_redirects=False).status_code == 303  # no users: only verification answers


def test_verify_url_with_the_number_in_the_query(example):
    configure(example, verify_url="https://ombudsman.go.id/cek?n={number}&c={checksum}")
    record = issue_certificates(example)[0]
    path = qr_path(example, record)
    assert path.startswith("/cek?n=")
    r = client(example).get(path)
    assert r.status_code == 200 and "ASLI" in r.text


def test_security_headers_everywhere(site):
    c = client(site)
    for path in ("/login", "/verifikasi/x?c=y", "/nothing-here"):
        r = c.get(path)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in r.headers["content-security-policy"]
    assert c.get("/nothing-here").status_code == 404


def test_the_dashboard_follows_every_change(site, cli):
    """The report is kept between views, but not across a change by another program."""
    c = client(site)
    sign_in(c, "vina")

    def done() -> int:
        rows = c.get("/?as_of=2022-07-01", headers=JSON).json()["agreements"]
        return next(r["done"] for r in rows if r["id"] == AID)

    before = done()
    assert done() == before
    assert cli(site, "deliverable", "set", AID, DID, "--status", "done", "--on", "2022-03-30").exit_code == 0
    assert done() == before + 1
    text = (site / "agreements" / f"{AID}.yaml").read_text(encoding="utf-8")
    (site / "agreements" / f"{AID}.yaml").write_text(
        text.replace(f"id: {DID}", "id: W1-DX"), encoding="utf-8"
    )
    assert done() == before  # W1-D1 is no longer a deliverable of the file


def test_serve_warns_off_localhost_and_stops_cleanly_on_ctrl_c(example):
    """`docgen serve --host 0.0.0.0` says in one line to put it behind HTTPS; Ctrl-C (SIGINT)
    stops it with exit code 0; with no users, it says only verification answers."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(REPO), "DOCGEN_LANG": "en"}
    env.pop("DOCGEN_TRACKER_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docgen",
            "-w",
            str(example),
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.communicate()
                time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    lines = err.splitlines()
    https = [line for line in lines if "HTTPS" in line]
    assert len(https) == 1 and "0.0.0.0" in https[0]
    assert any("only the verification page answers" in line for line in lines)
    assert "Traceback" not in err


def test_pages_name_statuses_in_words_of_the_interface_language(site):
    """The codes of the data (`not_started`, `active`, `second`) stay in forms and JSON; the
    pages show the words: "belum ada laporan" where nothing was reported (DOMAIN.md)."""
    from docgen.i18n import set_language

    c = client(site)
    sign_in(c, "edi")
    english = c.get(f"/agreements/{AID}?as_of=2022-07-01").text
    assert "no report yet" in english and ">not_started<" not in english
    assert 'value="not_started"' in english and ">not started</option>" in english
    set_language("id")
    try:
        page = c.get(f"/agreements/{AID}?as_of=2022-07-01").text
        dashboard = c.get("/?as_of=2022-07-01").text
    finally:
        set_language("en")
    assert "belum ada laporan" in page and "kedua pihak" in page and "<strong>berlaku</strong>" in page
    assert "<td>berlaku</td>" in dashboard and "<td>active</td>" not in dashboard
    # responsibility is the party's, not its unit's
    assert "<h3>Pemerintah Provinsi Nusa Tenggara Timur <small>" in dashboard
