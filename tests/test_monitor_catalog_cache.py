"""The parse cache that lets `monitor` skip re-parsing unchanged agreement files."""

from __future__ import annotations

import json

import pytest

import docgen.agreements as agreements
import docgen.catalog_cache as catalog_cache
from docgen.agreements import load_catalog
from docgen.workspace import Workspace

RENJA = "ntt-renja-2022"


def new_process() -> None:
    """Forget what this process parsed, as a fresh `docgen` run would."""
    agreements._CACHE.clear()
    catalog_cache._OPEN.clear()


@pytest.fixture
def ws(example):
    new_process()
    yield Workspace(example)
    new_process()


def no_parsing(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("parsed a file the cache holds")

    monkeypatch.setattr(agreements, "_load_one", fail)


def cache_file(ws) -> dict:
    """The cache's JSON (below its first line, the HMAC that makes it trusted)."""
    text = (ws.root / ".docgen" / "cache" / "agreements.json").read_text(encoding="utf-8")
    return json.loads(text.partition("\n")[2])


def test_second_run_reads_the_cache(ws, monkeypatch):
    (ws.agreements_dir / "broken.yaml").write_text("id: broken\nkind: [\n", encoding="utf-8")
    first = load_catalog(ws)
    assert set(cache_file(ws)["files"]) == {"broken.yaml", "ntt-mou-2021.yaml", f"{RENJA}.yaml"}
    new_process()
    no_parsing(monkeypatch)
    second = load_catalog(ws)
    assert second.agreements == first.agreements
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]
    assert second.agreements[RENJA].deliverables[0].due.isoformat() == "2022-03-31"


def test_a_changed_file_is_parsed_again(ws):
    load_catalog(ws)
    new_process()
    path = ws.agreements_dir / f"{RENJA}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Rapat koordinasi triwulan I,", "Rapat koordinasi TW I,"),
        encoding="utf-8",
    )
    assert load_catalog(ws).agreements[RENJA].deliverables[0].title == "Rapat koordinasi TW I"
    new_process()
    assert load_catalog(ws).agreements[RENJA].deliverables[0].title == "Rapat koordinasi TW I"


def test_a_deleted_file_leaves_the_cache(ws):
    load_catalog(ws)
    (ws.agreements_dir / f"{RENJA}.yaml").unlink()
    new_process()
    assert set(load_catalog(ws).agreements) == {"ntt-mou-2021"}
    assert set(cache_file(ws)["files"]) == {"ntt-mou-2021.yaml"}


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[]",
        b'{"format": 1, "code": "x", "files": {}}',
        b'{"format": 1, "files": {"ntt-mou-2021.yaml": 5}}',
    ],
)
def test_a_bad_or_foreign_cache_is_ignored_and_replaced(ws, content):
    path = ws.root / ".docgen" / "cache" / "agreements.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert set(load_catalog(ws).agreements) == {"ntt-mou-2021", RENJA}
    assert cache_file(ws)["format"] == catalog_cache.FORMAT


def test_a_tampered_entry_is_parsed_again(ws, monkeypatch):
    load_catalog(ws)
    data = cache_file(ws)
    data["files"][f"{RENJA}.yaml"]["agreement"]["kind"] = "bogus"
    (ws.root / ".docgen" / "cache" / "agreements.json").write_text(json.dumps(data), encoding="utf-8")
    new_process()
    assert load_catalog(ws).agreements[RENJA].kind == "renja"


def test_an_unwritable_cache_is_no_error(ws):
    (ws.root / ".docgen" / "cache" / "agreements.json").mkdir(parents=True)
    assert set(load_catalog(ws).agreements) == {"ntt-mou-2021", RENJA}


def test_commands_about_one_agreement_skip_the_cache(ws):
    assert load_catalog(ws, only=[RENJA]).get(RENJA).id == RENJA
    assert not (ws.root / ".docgen" / "cache" / "agreements.json").exists()


def test_monitor_output_is_the_same_cold_and_warm(example, cli):
    new_process()
    cold = cli(example, "monitor", "--as-of", "2022-07-01", "--json").stdout
    new_process()
    warm = cli(example, "monitor", "--as-of", "2022-07-01", "--json").stdout
    assert cold == warm and json.loads(warm)["agreements"]
