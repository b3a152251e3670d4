"""The compiled rule-set cache: reused while nothing changed, rebuilt when anything did."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sanctionscan import cache
from sanctionscan.cache import cache_key, default_cache_dir, load_ruleset_cached
from sanctionscan.engine import Scanner
from sanctionscan.errors import RuleSetError
from sanctionscan.models import Document
from sanctionscan.ruleset import RuleSet, default_rules_dir, load_ruleset

EVENT = "Russia delivered 40 heavy trucks to North Korea in March 2024."


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder)
    return folder


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """Every call that really compiled a rule set (cache misses)."""
    calls: list[list[Path]] = []

    def counting(dirs: list[Path], *, with_lists: bool = True) -> RuleSet:
        calls.append(list(dirs))
        return load_ruleset(dirs, with_lists=with_lists)

    monkeypatch.setattr(cache, "load_ruleset", counting)
    # the key covers the package's source too; pin it so edits elsewhere cannot race the test
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: b"pinned")
    return calls


def _findings(ruleset: RuleSet) -> list[dict[str, object]]:
    result = Scanner(ruleset).scan_document(Document(id="e", text=EVENT))
    return [f.model_dump(mode="json") for f in result.findings]


def test_second_load_comes_from_the_cache(tmp_path: Path, rules: Path,
                                          builds: list[list[Path]]) -> None:
    store = tmp_path / "cache"
    first = load_ruleset_cached([rules], cache_dir=store)
    second = load_ruleset_cached([rules], cache_dir=store)
    assert len(builds) == 1
    assert second is not first
    assert second.digest == first.digest and len(second.rules) == len(first.rules)
    assert [lst.info() for lst in second.lists] == [lst.info() for lst in first.lists]
    assert _findings(second) == _findings(first) != []
    assert len(list(store.glob("ruleset-*.pickle"))) == 1


@pytest.mark.parametrize("relative", ["lexicon/goods.yaml", "regimes", "lists"])
def test_any_changed_file_invalidates(tmp_path: Path, rules: Path, builds: list[list[Path]],
                                      relative: str) -> None:
    store = tmp_path / "cache"
    load_ruleset_cached([rules], cache_dir=store)
    target = rules / relative
    if target.is_dir():
        files = sorted(target.glob("*.yaml"))
        if not files:
            pytest.skip(f"no {relative} files shipped")
        target = files[0]
    before = cache_key([rules])
    target.write_bytes(target.read_bytes() + b"\n# edited\n")
    assert cache_key([rules]) != before
    load_ruleset_cached([rules], cache_dir=store)
    assert len(builds) == 2
    load_ruleset_cached([rules], cache_dir=store)
    assert len(builds) == 2


def test_a_new_file_or_another_folder_order_is_another_key(tmp_path: Path, rules: Path) -> None:
    extra = tmp_path / "extra"
    (extra / "regimes").mkdir(parents=True)
    key = cache_key([rules])
    assert cache_key([rules, extra]) == cache_key([rules, extra])
    (extra / "regimes" / "local.yaml").write_text("regime: x\n", encoding="utf-8")
    assert cache_key([rules, extra]) != key
    assert cache_key([rules], with_lists=False) != key


def test_a_code_change_is_another_key(monkeypatch: pytest.MonkeyPatch, rules: Path) -> None:
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: b"one")
    key = cache_key([rules])
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: b"two")
    assert cache_key([rules]) != key


def test_corrupted_entry_is_rebuilt_silently(tmp_path: Path, rules: Path,
                                             builds: list[list[Path]]) -> None:
    store = tmp_path / "cache"
    good = load_ruleset_cached([rules], cache_dir=store)
    (entry,) = store.glob("ruleset-*.pickle")
    for garbage in (b"", b"not a pickle", entry.read_bytes()[:1000]):
        entry.write_bytes(garbage)
        again = load_ruleset_cached([rules], cache_dir=store)
        assert again.digest == good.digest
    assert len(builds) == 4
    assert load_ruleset_cached([rules], cache_dir=store).digest == good.digest
    assert len(builds) == 4  # the rebuilt entry was written back


def test_rule_errors_are_raised_and_not_cached(tmp_path: Path, rules: Path) -> None:
    store = tmp_path / "cache"
    (rules / "regimes" / "broken.yaml").write_text("regime: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleSetError):
            load_ruleset_cached([rules], cache_dir=store)
    assert not list(store.glob("ruleset-*.pickle"))


def test_unwritable_cache_folder_only_costs_the_rebuild(tmp_path: Path, rules: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    ruleset = load_ruleset_cached([rules], cache_dir=blocker / "cache")
    assert _findings(ruleset)


def test_environment_moves_or_disables_the_cache(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.delenv("SANCTIONSCAN_NO_CACHE", raising=False)
    monkeypatch.setenv("SANCTIONSCAN_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("SANCTIONSCAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "sanctionscan"
    monkeypatch.setenv("SANCTIONSCAN_NO_CACHE", "1")
    assert default_cache_dir() is None
