"""The dask backend on a real (local) distributed cluster: same findings as a local run."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

import dask.bag  # noqa: E402

from sanctionscan.cli import cli  # noqa: E402
from sanctionscan.engine import Scanner  # noqa: E402
from sanctionscan.models import Document, SkippedDocument  # noqa: E402
from sanctionscan.parallel import scan_bag, scan_with_dask  # noqa: E402
from sanctionscan.ruleset import RuleSet, default_rules_dir  # noqa: E402
from sanctionscan.sources import read_jsonl  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "labelled_articles.jsonl"


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with cluster, distributed.Client(cluster) as c:
        yield c


def _items() -> list[Document | SkippedDocument]:
    items: list[Document | SkippedDocument] = list(read_jsonl(LABELLED))
    items.insert(3, SkippedDocument(id="broken", source="broken", reason="binary file"))
    return items


def _dump(results: object) -> list[dict[str, object]]:
    return [r.model_dump(mode="json") for r in results]  # type: ignore[attr-defined]


def test_scan_with_dask_matches_the_local_run(client: distributed.Client,
                                             ruleset: RuleSet) -> None:
    items = _items()
    expected = _dump(Scanner(ruleset, min_confidence=0.3).scan_all(items))
    got = _dump(scan_with_dask(iter(items), ruleset=ruleset, scheduler=client,
                               min_confidence=0.3, chunk_size=7, in_flight=3))
    assert got == expected
    assert sum(len(r["findings"]) for r in got) > 0


def test_scan_bag_maps_over_a_bag(client: distributed.Client, ruleset: RuleSet) -> None:
    items = _items()
    expected = _dump(Scanner(ruleset).scan_all(items))
    remote = client.scatter(ruleset, broadcast=True)
    bag = dask.bag.from_sequence(items, npartitions=4)
    assert _dump(scan_bag(bag, remote).compute()) == expected


def test_cli_executor_dask_with_a_scheduler_address(client: distributed.Client,
                                                    tmp_path: Path) -> None:
    address = client.scheduler.address
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)  # both runs read the same files
    args = ["scan", str(LABELLED), "-f", "json", "-q", "--no-default-rules", "--rules",
            str(rules)]
    local = CliRunner().invoke(cli, [*args, "--jobs", "1"], catch_exceptions=False)
    remote = CliRunner().invoke(cli, [*args, "--executor", "dask", "--scheduler", address],
                                catch_exceptions=False)
    assert remote.exit_code == local.exit_code == 0
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_cli_unreachable_scheduler_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from sanctionscan import parallel

    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", "1s")
    result = CliRunner().invoke(cli, ["scan", str(LABELLED), "-q", "--executor", "dask",
                                      "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot use dask scheduler tcp://127.0.0.1:9" in result.output
