"""`lists update`, `lists diff`, `lists import-vessels` and import limits: fetched over a local
server or httpx.MockTransport, never the network."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from sanctionscan.cli import cli
from sanctionscan.fetch import FetchPolicy
from sanctionscan.lists import (
    PREVIOUS_SUFFIX,
    ListImportError,
    diff_lists,
    import_consolidated_xml,
    load_list_file,
    write_list_file,
)
from sanctionscan.listupdate import update_list

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "un-consolidated-sample.xml"
SAMPLE_BYTES = SAMPLE.read_bytes()
FAST = FetchPolicy(timeout=5.0, retries=0, backoff=0.0)


def _record(ref: str, name: str, data_id: str = "1") -> str:
    return (f"<INDIVIDUAL><DATAID>{data_id}</DATAID><FIRST_NAME>{name}</FIRST_NAME>"
            f"<UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>{ref}</REFERENCE_NUMBER>"
            "<LISTED_ON>2016-03-02</LISTED_ON></INDIVIDUAL>")


def _xml(*records: str, generated: str = "2025-01-02T00:00:00Z") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST dateGenerated='
            f'"{generated}"><INDIVIDUALS>{"".join(records)}</INDIVIDUALS><ENTITIES/>'
            "</CONSOLIDATED_LIST>")


def _mock(body: bytes, status: int = 200) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, content=body))


# --------------------------------------------------------------------------- import limits


def test_an_absurd_dataid_skips_its_record_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text(_xml(_record("KPi.901", "GOOD ONE"),
                         _record("KPi.902", "ABSURD ONE", data_id="9" * 5000)), encoding="utf-8")
    result = import_consolidated_xml(path)
    assert [e.ref for e in result.list.entries] == ["KPi.901"]
    [problem] = result.problems
    assert "KPi.902" in problem and "DATAID" in problem and "skipped" in problem


def test_an_absurdly_long_field_skips_its_record(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text(_xml(_record("KPi.901", "GOOD ONE"), _record("KPi.903", "X" * 30_000)),
                    encoding="utf-8")
    result = import_consolidated_xml(path)
    assert [e.ref for e in result.list.entries] == ["KPi.901"]
    assert len(result.problems) == 1 and "KPi.903" in result.problems[0]


def test_an_import_where_every_record_is_bad_writes_nothing_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text(_xml(_record("KPi.902", "ABSURD", data_id="9" * 5000),
                         _record("bad-ref", "NO REF")), encoding="utf-8")
    with pytest.raises(ListImportError, match="none of the 2 records"):
        import_consolidated_xml(path)
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(cli, ["lists", "import", str(path), "--out", str(out)])
    assert result.exit_code == 3 and not out.exists()
    assert "none of the 2 records" in result.output


# --------------------------------------------------------------------------- diff


def test_diff_names_added_removed_and_changed_entries(tmp_path: Path) -> None:
    old_path, new_path = tmp_path / "old.xml", tmp_path / "new.xml"
    old_path.write_text(_xml(_record("KPi.901", "ALPHA"), _record("KPi.902", "BRAVO"),
                             generated="2025-01-01T00:00:00Z"), encoding="utf-8")
    new_path.write_text(_xml(_record("KPi.901", "ALPHA"), _record("KPi.902", "BRAVO CHANGED"),
                             _record("KPi.903", "CHARLIE")), encoding="utf-8")
    old, new = import_consolidated_xml(old_path).list, import_consolidated_xml(new_path).list
    diff = diff_lists(old, new)
    assert [e.ref for e in diff.added] == ["KPi.903"]
    assert diff.removed == []
    assert [(c.ref, c.fields) for c in diff.changed] == [("KPi.902", ["name"])]
    back = diff_lists(new, old)
    assert [e.ref for e in back.removed] == ["KPi.903"]

    write_list_file(old, tmp_path / "old.yaml")
    result = CliRunner().invoke(cli, ["lists", "diff", str(tmp_path / "old.yaml"),
                                       str(new_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("2025-01-01T00:00:00Z -> 2025-01-02T00:00:00Z: 1 added, 0 "
                               "removed, 1 changed")
    assert "+ KPi.903 CHARLIE (DPRK)" in lines and "~ KPi.902 BRAVO CHANGED: name" in lines
    same = CliRunner().invoke(cli, ["lists", "diff", str(new_path), str(new_path)])
    assert same.exit_code == 0 and "0 added, 0 removed, 0 changed" in same.output


# --------------------------------------------------------------------------- update


def test_update_replaces_the_list_and_keeps_the_previous_one(tmp_path: Path) -> None:
    target = tmp_path / "un-consolidated.yaml"
    first = update_list("https://lists.example/consolidated.xml", target,
                        transport=_mock(SAMPLE_BYTES), policy=FAST)
    assert first.previous is None and len(first.diff.added) == 14
    before = target.read_text(encoding="utf-8")
    newer = _xml(_record("KPi.901", "ALPHA"), *[_record(f"KPi.{i}", f"N{i}") for i in
                                                 range(910, 925)])
    second = update_list("https://lists.example/consolidated.xml", target,
                         transport=_mock(newer.encode()), policy=FAST)
    previous = tmp_path / ("un-consolidated.yaml" + PREVIOUS_SUFFIX)
    assert second.previous == str(previous)
    assert previous.read_text(encoding="utf-8") == before
    assert len(load_list_file(target).entries) == 16
    assert (len(second.diff.added), len(second.diff.removed)) == (16, 14)


@pytest.mark.parametrize("body,status,message", [
    (b"<html>maintenance</html>", 200, "expected <CONSOLIDATED_LIST>"),
    (b"not found", 404, "HTTP 404"),
    (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><CONSOLIDATED_LIST/>', 200, "refused"),
])
def test_a_failed_update_changes_nothing(tmp_path: Path, body: bytes, status: int,
                                         message: str) -> None:
    target = tmp_path / "un-consolidated.yaml"
    write_list_file(import_consolidated_xml(SAMPLE).list, target)
    before = target.read_bytes()
    with pytest.raises(ListImportError, match=message):
        update_list("https://lists.example/x.xml", target, transport=_mock(body, status),
                    policy=FAST)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["un-consolidated.yaml"]


def test_an_update_that_loses_half_the_list_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "un-consolidated.yaml"
    write_list_file(import_consolidated_xml(SAMPLE).list, target)
    tiny = _xml(_record("KPi.901", "ALPHA")).encode()
    with pytest.raises(ListImportError, match="more than half"):
        update_list("https://lists.example/x.xml", target, transport=_mock(tiny), policy=FAST)
    forced = update_list("https://lists.example/x.xml", target, transport=_mock(tiny),
                         policy=FAST, force=True)
    assert len(forced.diff.removed) == 14


def test_an_oversized_download_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "un-consolidated.yaml"
    small = FetchPolicy(timeout=5.0, retries=0, max_bytes=1000)
    with pytest.raises(ListImportError, match="exceeds limit"):
        update_list("https://lists.example/x.xml", target, transport=_mock(SAMPLE_BYTES),
                    policy=small)
    assert not target.exists()


@pytest.fixture()
def server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/consolidated.xml":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(SAMPLE_BYTES)))
            self.end_headers()
            self.wfile.write(SAMPLE_BYTES)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_update_command_over_a_local_server(tmp_path: Path, server: str) -> None:
    target = tmp_path / "un-consolidated.yaml"
    result = CliRunner().invoke(cli, ["lists", "update", f"{server}/consolidated.xml",
                                       "--out", str(target), "--timeout", "5"])
    assert result.exit_code == 0, result.output
    assert "14 added, 0 removed, 0 changed" in result.output
    assert len(load_list_file(target).entries) == 14
    missing = CliRunner().invoke(cli, ["lists", "update", f"{server}/gone.xml",
                                        "--out", str(target), "--timeout", "5"])
    assert missing.exit_code == 3
    assert "HTTP 404" in missing.output and "the list in use is unchanged" in missing.output


# --------------------------------------------------------------------------- vessels CLI


def test_import_vessels_command_writes_a_vessel_list(tmp_path: Path) -> None:
    csv_path = tmp_path / "vessels.csv"
    csv_path.write_text("Vessel Name,IMO Number,Flag\nPACIFIC EXAMPLE,8910811,Sierra Leone\n"
                        "BROKEN,12,\n", encoding="utf-8")
    out = tmp_path / "vessels.yaml"
    result = CliRunner().invoke(cli, ["lists", "import-vessels", str(csv_path), "--out",
                                       str(out), "--version", "2024-09-26"])
    assert result.exit_code == 0, result.output
    lst = load_list_file(out)
    assert [(e.name, e.imo, e.type) for e in lst.entries] == [
        ("PACIFIC EXAMPLE", ["8910811"], "vessel")]
    assert lst.version == "2024-09-26"
    assert "12" in result.output  # the bad row is reported
    strict = CliRunner().invoke(cli, ["lists", "import-vessels", str(csv_path), "--out",
                                       str(out), "--strict"])
    assert strict.exit_code == 3
