"""`docgen check` and the agreement-file rules of SPEC section 2, through the CLI."""

from __future__ import annotations

import pytest

MOU = """\
id: mou-a
kind: mou
title: Kesepakatan Bersama tentang Pelayanan Publik
place: Kupang
signed_on: 2021-12-20
duration_months: 60
numbers: {first: 30/ORI-MOU/XII/2021, second: HK.130/45/XII/2021}
parties:
  - role: first
    org: Ombudsman Republik Indonesia
    kind: ombudsman
    signatory: {name: Mokhammad Najih, title: Ketua Ombudsman Republik Indonesia}
  - role: second
    org: Pemerintah Provinsi Nusa Tenggara Timur
    kind: pemda
    signatory: {name: Viktor Bungtilu Laiskodat, title: Gubernur Nusa Tenggara Timur}
"""

RENJA = """\
id: renja-a
kind: renja
title: Rencana Kerja Perbaikan Pelayanan Publik
parent: mou-a
signed_on: 2022-02-08
ends_on: 2022-12-31
numbers: {first: 01/RK/PW24/II/2022, second: 119/BO/II/2022}
parties:
  - role: first
    org: Ombudsman RI Perwakilan NTT
    kind: ombudsman
    signatory: {name: Darius Beda Daton, title: Kepala Perwakilan}
  - role: second
    org: Biro Organisasi Setda Provinsi NTT
    kind: pemda
    signatory: {name: Flouri Rita Wuisan, title: Kepala Biro Organisasi}
work_items:
  - id: W1
    title: Koordinasi
    responsible: both
    deliverables:
      - {id: W1-D1, title: Rapat koordinasi triwulan I, due: 2022-03-31, evidence: notulen}
      - {id: W1-D2, title: Rapat koordinasi triwulan II, due: 2022-06-30}
"""


def files(**extra: str) -> dict[str, str]:
    return {
        "agreements/mou-a.yaml": MOU,
        "agreements/renja-a.yaml": RENJA,
        **{f"agreements/{k.replace('_', '-')}.yaml": v for k, v in extra.items()},
    }


def test_clean_workspace_passes(workspace, cli):
    ws = workspace(files())
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0, run.stderr
    assert "ok: 2 agreement files" in run.stderr
    assert not (ws / "tracker.json").exists()


def test_example_workspace_is_clean(example, cli):
    run = cli(example, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0, run.stderr
    # The example agreements are complete (both numbers, the mandate, the NIP); what is
    # left is the office's own: the address where a certificate is verified, its
    # letterhead's contact lines and its logo. Warnings, never errors.
    assert run.stderr.strip().splitlines() == [
        "warning: docgen.toml: certificates.verify_url is empty: the QR code of the certificates "
        "issued from results/ will not lead to a verification page; set it to the address "
        "`docgen serve` answers at (docs/web.md)",
        *(
            f"warning: docgen.toml: office.{key}: empty: the letterhead of every letter lacks it"
            for key in ("postcode", "phone", "website", "email")
        ),
        "warning: docgen.toml: office.logo: templates/logo.png is docgen's placeholder logo: "
        "put the office's own image there",
        "ok: 2 agreement files, no errors, 6 warnings",
    ]


def test_verify_url_set_or_no_result_sheet_no_warning(example, cli):
    text = (example / "docgen.toml").read_text(encoding="utf-8")
    with_url = text.replace(
        'signatory = "ketua"\n',
        'signatory = "ketua"\nverify_url = "https://x.go.id/v/{number}?c={checksum}"\n',
    )
    (example / "docgen.toml").write_text(with_url, encoding="utf-8")
    assert "verify_url" not in cli(example, "check", "--as-of", "2022-07-01").stderr
    (example / "docgen.toml").write_text(text, encoding="utf-8")
    for sheet in (example / "results").iterdir():
        sheet.unlink()
    assert "verify_url" not in cli(example, "check", "--as-of", "2022-07-01").stderr


def test_a_scope_item_in_capitals_is_a_warning(workspace, cli):
    """Pasal 2 lists `scope` (else the work items' titles) as a running list, whose items
    start in lower case; docgen prints them as typed, and `check` says which to retype."""
    titled = RENJA.replace("    title: Koordinasi\n", "    title: Koordinasi dan pengawasan\n")
    ws = workspace(files(renja_a=titled))
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0
    assert (
        "warning: agreements/renja-a.yaml: scope: the Ruang Lingkup list is made of the work "
        "items' titles, 1 of which start with a capital letter ('Koordinasi dan pengawasan'): "
        "items of a running list start in lower case; write `scope:` with the items as they "
        "should read"
    ) in run.stderr
    scoped = titled.replace(
        "work_items:\n",
        "scope:\n  - koordinasi dan pengawasan\n"
        "  - Pengelolaan pengaduan\n  - SP4N-LAPOR! dan SPBE\n"
        "  - Inspektorat Daerah memfasilitasi pemeriksaan\nwork_items:\n",
        1,
    )
    ws = workspace(files(renja_a=scoped))
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0
    # an acronym or a name opening an item is right as typed: only "Pengelolaan" is named
    assert (
        "warning: agreements/renja-a.yaml: scope #2: 1 item(s) of the Ruang Lingkup list start "
        "with a capital letter ('Pengelolaan pengaduan'): items of a running list start in "
        "lower case"
    ) in run.stderr
    fixed = scoped.replace("  - Pengelolaan pengaduan\n", "  - pengelolaan pengaduan\n")
    ws = workspace(files(renja_a=fixed))
    assert "Ruang Lingkup" not in cli(ws, "check", "--as-of", "2022-07-01").stderr


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("syntax", "id: syntax\nkind: [mou\n", "agreements/syntax.yaml: invalid YAML"),
        (
            "unknown-field",
            MOU.replace("id: mou-a", "id: unknown-field").replace("place:", "plcae:"),
            "agreements/unknown-field.yaml: plcae: unknown field",
        ),
        (
            "missing",
            MOU.replace("id: mou-a", "id: missing").replace(
                "title: Kesepakatan Bersama tentang Pelayanan Publik\n", ""
            ),
            "agreements/missing.yaml: title: required field is missing",
        ),
        (
            "feb30",
            MOU.replace("id: mou-a", "id: feb30").replace("2021-12-20", "2022-02-30"),
            "agreements/feb30.yaml: signed_on: '2022-02-30' is not a valid date",
        ),
        (
            "both-terms",
            MOU.replace("id: mou-a", "id: both-terms").replace(
                "duration_months: 60", "duration_months: 60\nends_on: 2026-12-19"
            ),
            "agreements/both-terms.yaml: ends_on: give either duration_months or ends_on, not both",
        ),
        ("stem", MOU, "agreements/stem.yaml: id: id 'mou-a' differs from the file name"),
        ("empty", "", "agreements/empty.yaml: the file is empty"),
        ("list", "- a\n- b\n", "agreements/list.yaml: expected a mapping of fields"),
        (
            "bad-role",
            MOU.replace("id: mou-a", "id: bad-role").replace("role: second", "role: third"),
            "agreements/bad-role.yaml: parties #2, role: must be one of",
        ),
        (
            "one-party",
            MOU.replace("id: mou-a", "id: one-party").split("  - role: second")[0],
            "agreements/one-party.yaml: parties: exactly two parties are needed",
        ),
    ],
)
def test_invalid_file_is_one_precise_line(workspace, cli, name, content, expected):
    ws = workspace(files(**{name: content}))
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 1
    assert expected in run.stderr
    assert "Traceback" not in run.stderr
    assert not (ws / "tracker.json").exists()


def test_binary_file(workspace, cli):
    ws = workspace({"agreements/bin.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00"})
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert "agreements/bin.yaml: not a UTF-8 text file" in run.stderr


def test_renja_rules(workspace, cli):
    dup = RENJA.replace("id: renja-a", "id: dup").replace("W1-D2", "W1-D1")
    orphan = RENJA.replace("id: renja-a", "id: orphan").replace("parent: mou-a", "parent: nope")
    not_mou = RENJA.replace("id: renja-a", "id: not-mou").replace("parent: mou-a", "parent: renja-a")
    no_parent = RENJA.replace("id: renja-a", "id: no-parent").replace("parent: mou-a\n", "")
    ws = workspace(files(dup=dup, orphan=orphan, not_mou=not_mou, no_parent=no_parent))
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 1
    err = run.stderr
    assert (
        "agreements/dup.yaml: work_items #1, deliverables #2, id: deliverable id 'W1-D1' is used twice"
    ) in err
    assert "agreements/orphan.yaml: parent: no agreement 'nope'" in err
    assert "agreements/not-mou.yaml: parent: 'renja-a' is a renja, not an MoU" in err
    assert "agreements/no-parent.yaml: parent: a renja needs the id of the MoU" in err
    # every problem of every file at once, one line each
    assert len([line for line in err.splitlines() if line.startswith("agreements/")]) == 4


def test_line_numbers_are_given(workspace, cli):
    bad = RENJA.replace("id: renja-a", "id: lines").replace("due: 2022-06-30", "due: 2022-06-31")
    ws = workspace(files(lines=bad))
    run = cli(ws, "check")
    line = next(x for x in run.stderr.splitlines() if x.startswith("agreements/lines.yaml"))
    assert line.startswith("agreements/lines.yaml: work_items #1, deliverables #2, due: ")
    assert line.endswith("(line 23)")


@pytest.mark.parametrize("bad_id", ["../x", "with space", "Upper", "-lead"])
def test_invalid_ids_in_files(workspace, cli, bad_id):
    ws = workspace({"agreements/mou-a.yaml": MOU.replace("id: mou-a", f"id: '{bad_id}'")})
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert "agreements/mou-a.yaml: id:" in run.stderr


def test_warnings_do_not_fail(workspace, cli):
    early = RENJA.replace("due: 2022-03-31", "due: 2022-01-31")
    ws = workspace(files() | {"agreements/renja-a.yaml": early})
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0
    assert (
        "warning: agreements/renja-a.yaml: work_items #1, deliverables #1, due: W1-D1 is due "
        "(2022-01-31) before the agreement is signed (2022-02-08)"
    ) in run.stderr


def test_expiring_is_a_warning(workspace, cli):
    ws = workspace(files())
    run = cli(ws, "check", "--as-of", "2026-11-23")
    assert run.exit_code == 0
    assert (
        "warning: agreements/mou-a.yaml: duration_months: the agreement expires on "
        "2026-12-19 (26 days left)" in run.stderr
    )


def test_config_typo(workspace, cli):
    from tests.conftest import CONFIG

    ws = workspace(files(), config=CONFIG.replace("unit_code", "unit_cod"))
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert "docgen.toml: office.unit_cod: unknown field" in run.stderr
    assert "docgen.toml: office.unit_code: required field is missing" in run.stderr


def test_config_bad_number_format(workspace, cli):
    from tests.conftest import CONFIG

    ws = workspace(files(), config=CONFIG + '\n[numbering]\nletter = "B/{seq}/{unit}/{year}"\n')
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert "docgen.toml: numbering.letter: unknown field {unit}" in run.stderr


def test_config_invalid_toml(workspace, cli):
    ws = workspace(files(), config="[office\nname = 1\n")
    run = cli(ws, "agreement", "list")
    assert run.exit_code == 1
    assert run.stderr.startswith("docgen.toml: invalid TOML")


def test_check_json(workspace, cli):
    ws = workspace(files(bad="id: bad\n"))
    run = cli(ws, "check", "--json")
    assert run.exit_code == 1
    data = run.json()
    assert data["ok"] is False
    assert any(e.startswith("agreements/bad.yaml: kind: required field is missing") for e in data["errors"])


def test_problems_belong_to_their_own_file_not_one_ending_alike(workspace):
    from docgen.agreements import load_catalog
    from docgen.workspace import Workspace

    good = MOU.replace("id: mou-a", "id: mou")
    broken = MOU.replace("id: mou-a", "id: a-mou").replace("kind: mou", "kind: memo")
    ws = Workspace(workspace({"agreements/mou.yaml": good, "agreements/a-mou.yaml": broken}))
    catalog = load_catalog(ws)
    assert catalog.problems_of("mou") == []  # a-mou.yaml also ends in "mou.yaml"
    assert [p.file for p in catalog.problems_of("a-mou")] == ["agreements/a-mou.yaml"]
    assert catalog.get("mou").id == "mou"
