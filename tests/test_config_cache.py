"""docgen.toml validated once and kept (config_cache): a light command skips building
the validators, and nothing but this user's docgen decides what the cache says."""

from __future__ import annotations

import os

import pytest

from docgen import config_cache
from docgen.config import Config
from docgen.errors import ConfigError
from docgen.workspace import load_config

CACHE = (".docgen", "cache", "config.pickle")


def no_validation(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("validated a docgen.toml the cache holds")

    monkeypatch.setattr(Config, "model_validate", fail)


def test_the_second_load_takes_the_validated_model(example, monkeypatch):
    first = load_config(example / "docgen.toml")
    assert example.joinpath(*CACHE).is_file()
    no_validation(monkeypatch)
    second = load_config(example / "docgen.toml")
    assert second == first and second is not first
    assert second.office.name == first.office.name and second.numbering == first.numbering


def test_an_edited_file_is_validated_again(example):
    path = example / "docgen.toml"
    load_config(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[office]", '[office]\nlanguage = "en"', 1), encoding="utf-8")
    assert load_config(path).office.language == "en"
    path.write_text(text + "\n[nonsense]\nx = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nonsense"):
        load_config(path)  # a file that does not validate is never taken from the cache


def test_a_cache_this_users_docgen_did_not_write_is_ignored(example, tmp_path, monkeypatch):
    path = example / "docgen.toml"
    good = load_config(path)
    cache = example.joinpath(*CACHE)
    # edited by hand: the HMAC no longer matches, so the pickle is never loaded
    data = cache.read_bytes()
    cache.write_bytes(data[:-3] + bytes([data[-3] ^ 1]) + data[-2:])
    assert config_cache.load(example, config_cache.digest(path.read_bytes())) is None
    assert load_config(path) == good
    # written by another user's docgen (another key) and copied with the workspace
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert config_cache.load(example, config_cache.digest(path.read_bytes())) is None
    assert load_config(path) == good


def test_never_through_a_link(example, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, example / ".docgen")
    load_config(example / "docgen.toml")
    assert list(elsewhere.iterdir()) == []  # nothing written through the link
