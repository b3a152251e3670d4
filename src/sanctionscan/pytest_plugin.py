"""A pytest plugin that runs the examples of a user's own rule folders as tests.

Installed with sanctionscan (entry point `pytest11`), idle until asked: give the folders with
`--sanctionscan-rules DIR` (repeatable) or the ini option `sanctionscan_rules`, and every
`flag` / `no_flag` example of the rules in those folders becomes one test, named
`UN-XX-001-flag-0` under its YAML file, judged by the same harness as `sanctionscan rules test`
(sanctionscan.ruletests). The folders add to the shipped rule set, as `--rules` does for
`sanctionscan scan`; `--sanctionscan-no-default-rules` uses them alone. A rule-file error fails
the run with every `file:line: message`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanctionscan.errors import RuleSetError
from sanctionscan.ruletests import ExampleCase, cases_in, collect_cases, run_case

_STATE = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sanctionscan", "sanctionscan rule examples")
    group.addoption("--sanctionscan-rules", action="append", default=[], metavar="DIR",
                    help="run the rule examples of this rule folder (repeatable)")
    group.addoption("--sanctionscan-no-default-rules", action="store_true",
                    help="load only the --sanctionscan-rules folders, not the shipped rules")
    parser.addini("sanctionscan_rules", "rule folders whose examples run as tests",
                  type="paths", default=[])


def _folders(config: pytest.Config) -> list[Path]:
    given = [Path(d) for d in config.getoption("sanctionscan_rules") or []]
    return [p.resolve() for p in [*given, *config.getini("sanctionscan_rules")]]


def pytest_configure(config: pytest.Config) -> None:
    folders = _folders(config)
    config.stash[_STATE] = {"folders": folders}
    # the folders are collected even when the command line names only tests/
    for folder in folders:
        if str(folder) not in config.args:
            config.args.append(str(folder))


def _cases(config: pytest.Config) -> list[ExampleCase]:
    state = config.stash[_STATE]
    if "cases" not in state:
        from sanctionscan.cache import load_ruleset_cached as load_ruleset
        from sanctionscan.engine import Scanner
        from sanctionscan.ruleset import default_rules_dir

        dirs = list(state["folders"])
        if not config.getoption("sanctionscan_no_default_rules"):
            dirs.insert(0, default_rules_dir())
        try:
            ruleset = load_ruleset(dirs)
        except RuleSetError as exc:
            raise pytest.UsageError(f"sanctionscan rule-file errors:\n{exc}") from exc
        state["scanner"] = Scanner(ruleset)
        state["cases"] = cases_in(collect_cases(ruleset), state["folders"])
    cases: list[ExampleCase] = state["cases"]
    return cases


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    folders = parent.config.stash[_STATE]["folders"]
    if file_path.suffix not in {".yaml", ".yml"} or file_path.parent.name != "regimes":
        return None
    if not any(file_path.resolve().is_relative_to(f) for f in folders):
        return None
    return RuleFileItems.from_parent(parent, path=file_path)


class RuleFileItems(pytest.File):
    """One regime file of a user's rule folder; its items are the rules' examples."""

    def collect(self) -> Iterator[pytest.Item]:
        here = self.path.resolve()
        for case in _cases(self.config):
            if Path(case.file).resolve() == here:
                yield RuleExample.from_parent(self, name=case.id, case=case)


class RuleExampleFailed(Exception):
    """A rule example that did not behave as written."""


class RuleExample(pytest.Item):
    def __init__(self, *, case: ExampleCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        scanner = self.config.stash[_STATE]["scanner"]
        result = run_case(scanner, self.case)
        if not result.passed:
            raise RuleExampleFailed(result.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, RuleExampleFailed):
            return f"{self.case.where}: {self.case.text}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"rule example {self.case.id}"
