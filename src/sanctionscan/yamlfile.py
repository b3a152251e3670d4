"""Reading YAML rule files with line numbers, so every error can say `file:line: message`.

The file is composed into nodes first (safe loader only), duplicate keys are refused there, and
the plain data is built by hand from the nodes while remembering the line of every key path.
A pydantic error location is a key path, so it maps straight back to a line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sanctionscan.errors import RuleFileError

Location = tuple[int | str, ...]


@dataclass
class YamlDoc:
    path: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    raw: dict[Location, str] = field(default_factory=dict)  # scalars as written in the file

    def line_of(self, loc: Sequence[int | str]) -> int:
        """Line of the deepest known node on `loc` (1-based)."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def error(self, loc: Sequence[int | str], message: str) -> RuleFileError:
        return RuleFileError(str(self.path), self.line_of(loc), message)

    def validation_errors(
        self, exc: ValidationError, prefix: Location = ()
    ) -> list[RuleFileError]:
        errors = []
        for err in exc.errors():
            loc = prefix + tuple(_plain_loc(err["loc"]))
            where = ".".join(str(p) for p in loc) or "(top level)"
            message = _explain(err, self.raw.get(loc))
            errors.append(self.error(loc, f"{where}: {message}"))
        return errors


def _plain_loc(loc: Sequence[Any]) -> list[int | str]:
    # pydantic adds union-member and validator names to locations; keep only real keys and indexes
    return [p for p in loc if isinstance(p, int) or not _is_internal(p)]


def _is_internal(part: str) -> bool:
    return part.startswith(("function-", "tagged-union[")) or part in {
        "str", "int", "list[str]", "constrained-str",
    }


def _explain(err: Mapping[str, Any], written: str | None = None) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        return "unknown key (not allowed here)"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_type" and isinstance(value, bool):
        return f"{value!r} must be a quoted string (YAML reads yes/no/on/off as booleans)"
    if kind in {"string_type", "string_pattern_mismatch"} and isinstance(value, int | float):
        shown = written or str(value)
        return (
            f"{shown} must be a quoted string (YAML reads unquoted codes like 8701.10 as "
            f"numbers): write '{shown}'"
        )
    if value is not None and kind != "value_error":
        return f"{err['msg']} (got {value!r})"
    return str(err["msg"])


def load_yaml(path: Path) -> YamlDoc:
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(path), 1, f"cannot read file: {exc}") from exc
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(str(path), line, f"YAML syntax error: {problem}") from exc
    doc = YamlDoc(path=path, data=None)
    if node is None:
        doc.data = {}
        return doc
    doc.data = _build(node, (), doc)
    return doc


def _build(node: yaml.Node, loc: Location, doc: YamlDoc) -> Any:
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, doc)
            if isinstance(key, list | dict):
                raise RuleFileError(str(doc.path), key_node.start_mark.line + 1,
                                    "mapping keys must be plain values")
            if key in result:
                raise RuleFileError(
                    str(doc.path), key_node.start_mark.line + 1,
                    f"duplicate key {key!r} (first at line {doc.lines[loc + (key,)]})",
                )
            doc.lines[loc + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, loc + (key,), doc)
            doc.lines[loc + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[loc + (i,)] = item.start_mark.line + 1
            items.append(_build(item, loc + (i,), doc))
        return items
    if isinstance(node, yaml.ScalarNode):
        doc.raw[loc] = node.value
    return _scalar(node, doc)


def _scalar(node: yaml.Node, doc: YamlDoc) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return _build(node, (), YamlDoc(doc.path, None))
    # Let the safe constructor decide the type (int, float, bool, date, str) exactly as
    # yaml.safe_load would, so that schema errors can point out unquoted codes.
    constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.constructor.SafeConstructor.__init__(constructor)
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise RuleFileError(str(doc.path), node.start_mark.line + 1, str(exc)) from exc
    except ValueError as exc:  # a date-shaped scalar that is no date: 2017-13-40
        raise RuleFileError(str(doc.path), node.start_mark.line + 1,
                            f"{node.value} is not a date ({exc}); write YYYY-MM-DD") from exc
