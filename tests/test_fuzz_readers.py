"""Property tests of the readers hostile input reaches first (issue 16): JSON Lines, feeds and
YAML rule files. Whatever the bytes, a reader gives documents or skipped documents (JSON Lines),
entries or a `FeedError` (feeds), data or a `file:line` `RuleFileError` (YAML); never another
exception, and never a value that cannot be written out. Bounded: a few seconds in CI."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionscan.errors import RuleFileError
from sanctionscan.feeds import FeedError, parse_feed
from sanctionscan.models import Document, SkippedDocument
from sanctionscan.sources import read_jsonl_stream
from sanctionscan.yamlfile import load_yaml

FUZZ = settings(max_examples=60, deadline=2000, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# text with the characters that broke readers before: lone surrogates, NUL, markup, escapes
hostile_text = st.lists(st.one_of(st.characters(), st.sampled_from(
    ["\ud800", "\udfff", "\x00", "&", "<", "]]>", "&#xD800;", "&#0;", "\\", '"', "\n"])),
    max_size=30).map("".join)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         hostile_text)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=20)


def encodable(item: Document | SkippedDocument) -> None:
    item.model_dump_json().encode("utf-8")  # what every report does with it


@FUZZ
@given(records=st.lists(st.one_of(
    st.fixed_dictionaries({"id": json_values, "text": json_values},
                          optional={"title": json_values, "url": json_values,
                                    "published": json_values}),
    json_values), max_size=5))
def test_json_lines_records_become_documents_or_skips(records: list[Any]) -> None:
    data = b"".join(json.dumps(r).encode("utf-8", "surrogatepass") + b"\n" for r in records)
    items = list(read_jsonl_stream(io.BytesIO(data), "fuzz.jsonl"))
    assert len(items) <= len(records)
    for item in items:
        assert isinstance(item, Document | SkippedDocument)
        encodable(item)


@FUZZ
@given(data=st.binary(max_size=300))
def test_json_lines_bytes_never_raise(data: bytes) -> None:
    for item in read_jsonl_stream(io.BytesIO(data), "fuzz.jsonl"):
        encodable(item)


def _item(title: str, body: str, guid: str) -> str:
    return f"<item><guid>{guid}</guid><title>{title}</title><description>{body}</description></item>"


xml_ish = st.lists(st.sampled_from(
    list("abc <>/&;#x0123456789DdF\"'=") + ["&#xD800;", "&#55296;", "&amp;", "<![CDATA[",
                                             "]]>", "&nbsp;", "<b>", "</b>", "\ufffe"]),
    max_size=20).map("".join)


@FUZZ
@given(items=st.lists(st.tuples(xml_ish, xml_ish, xml_ish), max_size=4),
       prolog=st.sampled_from(["", '<?xml version="1.0" encoding="utf-8"?>',
                               '<?xml version="1.0"?><!DOCTYPE rss>']),
       encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_feeds_parse_or_fail_with_a_feed_error(items: list[tuple[str, str, str]], prolog: str,
                                               encoding: str) -> None:
    text = (prolog + '<rss version="2.0"><channel><title>t</title>'
            + "".join(_item(*i) for i in items) + "</channel></rss>")
    data = text.encode(encoding, "replace")
    try:
        parsed = parse_feed(data, "fuzz.xml")
    except FeedError:
        return
    for entry in parsed.entries:
        for value in (entry.entry_id, entry.title or "", entry.text, entry.link or ""):
            value.encode("utf-8")


@FUZZ
@given(data=st.binary(max_size=300))
def test_feed_bytes_never_raise_anything_else(data: bytes) -> None:
    with contextlib.suppress(FeedError):
        parse_feed(b"<rss>" + data, "fuzz.xml")


yaml_ish = st.lists(st.sampled_from(
    list("ab:-[]{}&*!|>'\"#?,% \n\t019.") + ["&a ", "*a", "<<: *a", "!!python/object", "---",
                                            "1" * 30]), max_size=40).map("".join)


@FUZZ
@given(text=yaml_ish)
def test_yaml_gives_data_or_a_file_line_error(tmp_path_factory: pytest.TempPathFactory,
                                              text: str) -> None:
    path = Path(tmp_path_factory.mktemp("yaml")) / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_yaml(path)
    except RuleFileError as exc:
        assert exc.file == str(path) and exc.line >= 1


@FUZZ
@given(value=json_values)
def test_yaml_of_any_plain_data_loads_back(tmp_path_factory: pytest.TempPathFactory,
                                           value: Any) -> None:
    try:
        text = yaml.safe_dump({"data": value}, allow_unicode=False)
    except yaml.YAMLError:
        return  # not representable (a lone surrogate): nothing to check
    path = Path(tmp_path_factory.mktemp("yaml")) / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        loaded = load_yaml(path)
    except RuleFileError as exc:  # only the bounds refuse plain data: depth of nesting
        assert "nested more than" in exc.message
        return
    assert loaded.data == {"data": value}
