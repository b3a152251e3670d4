"""Reading YAML rule files with line numbers, so every error can say `file:line: message`.

The file is composed into nodes first (safe loader only), duplicate keys are refused there, and
the plain data is built by hand from the nodes while remembering the line of every key path.
A pydantic error location is a key path, so it maps straight back to a line.

Hostile files end in a `file:line` error, not in memory or stack exhaustion: nesting is bounded
(`MAX_DEPTH`), so are aliases (`MAX_ALIASES`) and what they expand to (`MAX_ALIAS_EXPANSION`
nodes beyond those written in the file: a few hundred bytes of nested aliases otherwise build
billions of nodes), and the file's size.
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

MAX_DEPTH = 100  # nested mappings and sequences; rule and list files need under ten
MAX_ALIASES = 100  # `*name` references in one file; rule files rarely use any
MAX_ALIAS_EXPANSION = 10_000  # nodes built through aliases, beyond the nodes in the file
MAX_YAML_BYTES = 200 * 1024 * 1024  # a full UN list, normalised, is a few MB


class _Refused(yaml.YAMLError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader's composer, counting depth, aliases and nodes as it goes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases = 0
        self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused(line, f"more than {MAX_ALIASES} aliases (*name) in one file: "
                               "refused (an alias bomb?)")
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep: refused")
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        self.nodes += 1
        return node


@dataclass
class _Budget:
    """Nodes `_build` may still visit: those of the file and a bounded expansion of aliases."""

    left: int

    def spend(self, node: yaml.Node, doc: YamlDoc) -> None:
        self.left -= 1
        if self.left < 0:
            raise RuleFileError(
                str(doc.path), node.start_mark.line + 1,
                f"aliases expand to more than {MAX_ALIAS_EXPANSION} extra nodes: refused "
                "(an alias bomb?)")


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
        with path.open("rb") as handle:
            raw = handle.read(MAX_YAML_BYTES + 1)
        if len(raw) > MAX_YAML_BYTES:
            raise RuleFileError(str(path), 1, f"file larger than {MAX_YAML_BYTES} bytes: refused")
        source = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(path), 1, f"cannot read file: {exc}") from exc
    loader = _BoundedLoader(source)
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        raise RuleFileError(str(path), exc.line, exc.message) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(str(path), line, f"YAML syntax error: {problem}") from exc
    finally:
        loader.dispose()
    doc = YamlDoc(path=path, data=None)
    if node is None:
        doc.data = {}
        return doc
    doc.data = _build(node, (), doc, _Budget(loader.nodes + MAX_ALIAS_EXPANSION))
    return doc


def _build(node: yaml.Node, loc: Location, doc: YamlDoc, budget: _Budget) -> Any:
    budget.spend(node, doc)
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise RuleFileError(str(doc.path), key_node.start_mark.line + 1,
                                    "mapping keys must be plain values")
            key = _scalar(key_node, doc)
            if key in result:
                raise RuleFileError(
                    str(doc.path), key_node.start_mark.line + 1,
                    f"duplicate key {key!r} (first at line {doc.lines[loc + (key,)]})",
                )
            doc.lines[loc + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, loc + (key,), doc, budget)
            doc.lines[loc + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[loc + (i,)] = item.start_mark.line + 1
            items.append(_build(item, loc + (i,), doc, budget))
        return items
    if isinstance(node, yaml.ScalarNode):
        doc.raw[loc] = node.value
    return _scalar(node, doc)


def _scalar(node: yaml.Node, doc: YamlDoc) -> Any:
    # Let the safe constructor decide the type (int, float, bool, date, str) exactly as
    # yaml.safe_load would, so that schema errors can point out unquoted codes.
    constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.constructor.SafeConstructor.__init__(constructor)
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise RuleFileError(str(doc.path), node.start_mark.line + 1, str(exc)) from exc
    except (ValueError, OverflowError) as exc:  # a 5,000-digit number, 2017-13-40
        if node.tag.endswith(":timestamp"):
            message = f"{node.value} is not a date ({exc}); write YYYY-MM-DD"
        else:
            message = f"cannot read the value {node.value[:40]!r}: {exc}"
        raise RuleFileError(str(doc.path), node.start_mark.line + 1, message) from exc
