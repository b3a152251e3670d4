"""Lexicon files in layers: a user's `lexicon/goods.yaml` in a `--rules DIR` adds to the shipped
one instead of replacing it.

The layers of one lexicon path (shipped first, then each `--rules` folder's) are merged into one
document before validation: lists are appended; an entry with the `id` (parties) or `lemma`
(actions) of an earlier entry is merged into it (its word lists grow, its other values win);
mappings (goods modifiers) are merged, their word lists appended; any other value of a later
layer wins. `replace: true` at the top of a file drops the layers before it. The line map of
every layer moves with its data, so a schema error still names the file and line the
offending entry came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sanctionscan.errors import RuleFileError
from sanctionscan.yamlfile import Location, YamlDoc

REPLACE_KEY = "replace"
IDENTITY_KEYS = ("id", "lemma")  # an entry with the same one is merged into the earlier


@dataclass
class LayeredDoc:
    """One document made of the layers of a lexicon file; duck-types `YamlDoc` for validation."""

    merged: YamlDoc
    origin: dict[Location, Path] = field(default_factory=dict)  # merged prefix -> its file
    problems: list[RuleFileError] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return self.merged.data

    @classmethod
    def of(cls, docs: list[YamlDoc]) -> LayeredDoc:
        problems: list[RuleFileError] = []
        start = 0
        for i, doc in enumerate(docs):
            flag = doc.data.get(REPLACE_KEY) if isinstance(doc.data, dict) else None
            if flag is None:
                continue
            if not isinstance(flag, bool):
                problems.append(doc.error((REPLACE_KEY,),
                                          f"{REPLACE_KEY}: must be true or false, not {flag!r}"))
            elif flag:
                start = i
        layers = docs[start:]
        merged = YamlDoc(path=layers[-1].path, data={})
        merged.lines[()] = layers[0].lines.get((), 1)
        layered = cls(merged=merged, problems=problems)
        for doc in layers:
            if not isinstance(doc.data, dict):
                # not a mapping: nothing to merge; validation says what is wrong with it
                merged.data = doc.data
                layered._copy(doc, (), ())
                continue
            for key, value in doc.data.items():
                if key != REPLACE_KEY:
                    layered._add(doc, key, value)
        return layered

    def _copy(self, doc: YamlDoc, source: Location, target: Location) -> None:
        """Carry the lines and raw scalars of `doc` under `source` to `target` in the merge."""
        n = len(source)
        for table, into in ((doc.lines, self.merged.lines), (doc.raw, self.merged.raw)):
            for loc, value in table.items():
                if loc[:n] == source:
                    into[target + loc[n:]] = value  # type: ignore[assignment]
        self.origin[target] = doc.path

    def _forget(self, prefix: Location) -> None:
        n = len(prefix)
        for table in (self.merged.lines, self.merged.raw):
            for loc in [loc for loc in table if loc[:n] == prefix]:
                del table[loc]

    def _add(self, doc: YamlDoc, key: str, value: Any) -> None:
        data = self.merged.data
        current = data.get(key)
        if isinstance(current, list) and isinstance(value, list):
            merged = list(current)
            for j, item in enumerate(value):
                index = _same_entry(merged, item)
                if index is None:
                    self._copy(doc, (key, j), (key, len(merged)))
                    merged.append(item)
                else:
                    merged[index] = self._merge_entry(doc, merged[index], item, (key, j),
                                                      (key, index))
            data[key] = merged
        elif isinstance(current, dict) and isinstance(value, dict):
            merged_map = dict(current)
            for sub, sub_value in value.items():
                before = merged_map.get(sub)
                if isinstance(before, list) and isinstance(sub_value, list):
                    words = list(before)
                    for j, word in enumerate(sub_value):
                        if word not in words:
                            self._copy(doc, (key, sub, j), (key, sub, len(words)))
                            words.append(word)
                    merged_map[sub] = words
                else:
                    merged_map[sub] = sub_value
                    self._forget((key, sub))
                    self._copy(doc, (key, sub), (key, sub))
            data[key] = merged_map
        else:
            data[key] = value
            self._forget((key,))
            self._copy(doc, (key,), (key,))

    def _merge_entry(self, doc: YamlDoc, old: dict[str, Any], new: dict[str, Any],
                     source: Location, target: Location) -> dict[str, Any]:
        """An entry named again (same id or lemma): its word lists grow, other values are
        the later layer's. `{id: KP, names: [Hermit Kingdom]}` adds an alias to KP."""
        entry = dict(old)
        for sub, value in new.items():
            before = entry.get(sub)
            if isinstance(before, list) and isinstance(value, list):
                words = list(before)
                for j, word in enumerate(value):
                    if word not in words:
                        self._copy(doc, source + (sub, j), target + (sub, len(words)))
                        words.append(word)
                entry[sub] = words
            else:
                entry[sub] = value
                self._forget(target + (sub,))
                self._copy(doc, source + (sub,), target + (sub,))
        return entry

    def file_of(self, loc: Location) -> Path:
        while loc and loc not in self.origin:
            loc = loc[:-1]
        return self.origin.get(loc, self.merged.path)

    def validation_errors(self, exc: ValidationError) -> list[RuleFileError]:
        """The merged document's errors, each with the file its location came from."""
        errors = list(self.problems)
        for err, found in zip(exc.errors(), self.merged.validation_errors(exc), strict=True):
            loc = tuple(p for p in err["loc"] if isinstance(p, int) or p in location_keys(err))
            errors.append(RuleFileError(str(self.file_of(loc)), found.line, found.message))
        return errors


def location_keys(err: Any) -> set[str]:
    # the string parts of a pydantic location that are keys of the file, not union members
    return {p for p in err["loc"] if isinstance(p, str) and not p.startswith(
        ("function-", "tagged-union[")) and p not in {"str", "int", "list[str]",
                                                      "constrained-str"}
            and not p[:1].isupper()}


def _same_entry(entries: list[Any], item: Any) -> int | None:
    if not isinstance(item, dict):
        return None
    for key in IDENTITY_KEYS:
        if key in item:
            for i, entry in enumerate(entries):
                if isinstance(entry, dict) and entry.get(key) == item[key]:
                    return i
            return None
    return None
