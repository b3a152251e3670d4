"""`sanctionscan rules ...` in-process: validate, test, list, schema and their exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctionscan.cli import cli
from sanctionscan.rules.checks import check_ruleset
from sanctionscan.ruleset import RuleSet, default_rules_dir, load_ruleset

GOOD = """\
regime: testland
title: Test regime
target: [KP]
rules:
  - id: TEST-KP-001
    category: dprk.vehicles
    title: Trucks to the test target
    severity: high
    basis: [{resolution: "2397", paragraph: "7"}]
    direction: [to_target]
    goods: {hs: ["8704"]}
    in_force: {from: 2017-12-22}
    examples:
      flag:
        - {text: "A Chinese firm shipped dump trucks to North Korea in 2022.", published: 2022-05-01,
           evidence: [dump trucks]}
        - {text: "Russia delivered trucks to Pyongyang in 2024.", published: 2024-05-01}
      no_flag:
        - {text: "A Chinese firm shipped dump trucks to Mongolia in 2022.", published: 2022-05-01}
        - {text: "A Chinese firm shipped dump trucks to North Korea in 2015.", published: 2015-05-01}
"""


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 keeps stderr apart by default
        return CliRunner()


def own_rules(tmp_path: Path, body: str, name: str = "test.yaml") -> Path:
    """A standalone rule folder: the shipped lexicons plus one regime file."""
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir() / "lexicon", root / "lexicon")
    (root / "regimes").mkdir()
    (root / "regimes" / name).write_text(body, encoding="utf-8")
    return root


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner().invoke(cli, ["rules", *args], catch_exceptions=False)


def test_validate_shipped_rules_has_no_errors() -> None:
    result = invoke("validate", "--no-examples")
    assert result.exit_code == 0, result.stderr
    assert "0 error(s)" in result.stderr


def test_validate_good_folder_runs_its_examples(tmp_path: Path) -> None:
    root = own_rules(tmp_path, GOOD)
    result = invoke("validate", "--no-default-rules", str(root))
    assert result.exit_code == 0, result.stderr


def test_validate_schema_error_shows_file_and_line(tmp_path: Path) -> None:
    broken = GOOD.replace('goods: {hs: ["8704"]}', "goods: {hs: [8704.10]}")
    root = own_rules(tmp_path, broken)
    result = invoke("validate", "--no-default-rules", str(root))
    assert result.exit_code == 2
    path = root / "regimes" / "test.yaml"
    line = broken.splitlines().index('    goods: {hs: [8704.10]}') + 1
    assert f"{path}:{line}:" in result.stderr
    assert "quoted string" in result.stderr


def test_validate_unknown_key_and_duplicate_key(tmp_path: Path) -> None:
    broken = GOOD.replace("    severity: high\n", "    severity: high\n    severty: high\n")
    root = own_rules(tmp_path, broken)
    result = invoke("validate", "--no-default-rules", str(root))
    assert result.exit_code == 2
    assert "unknown key" in result.stderr
    line = broken.splitlines().index("    severty: high") + 1
    assert f"{root / 'regimes' / 'test.yaml'}:{line}: rules.0.severty" in result.stderr

    twice = GOOD.replace("    severity: high\n", "    severity: high\n    severity: low\n")
    root2 = own_rules(tmp_path / "two", twice)
    result = invoke("validate", "--no-default-rules", str(root2))
    assert result.exit_code == 2
    line = twice.splitlines().index("    severity: low") + 1
    assert f"test.yaml:{line}: duplicate key 'severity'" in result.stderr


@pytest.mark.parametrize("change, message, line_text", [
    ('target: [KP]', "unknown party id 'XX'", "target: [XX]"),
    ('goods: {hs: ["8704"]}', "HS 9999 is reached by no word", 'goods: {hs: ["9999"]}'),
    ('goods: {hs: ["8704"]}', "tag 'no_such_tag' is on no word", "goods: {tags: [no_such_tag]}"),
    ('category: dprk.vehicles', "unknown category", "category: dprk.spaceships"),
])
def test_validate_semantic_errors(tmp_path: Path, change: str, message: str,
                                  line_text: str) -> None:
    body = GOOD.replace(change, line_text)
    root = own_rules(tmp_path, body)
    result = invoke("validate", "--no-default-rules", str(root))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    line = next(i for i, text in enumerate(body.splitlines(), 1) if line_text in text)
    rule_line = body.splitlines().index("  - id: TEST-KP-001") + 1
    # the key's own line, or the rule's first line when the loader reports the rule as a whole
    assert f"test.yaml:{line}:" in result.stderr or f"test.yaml:{rule_line}:" in result.stderr


@pytest.mark.parametrize("change, new, message", [
    ("    in_force: {from: 2017-12-22}", "    in_force: {from: 2017-12-22, until: 2010-01-01}",
     "is before from"),
    ("evidence: [dump trucks]", "evidence: [limousine]", "evidence 'limousine' does not occur"),
    ('    goods: {hs: ["8704"]}', '    goods: {hs: ["8704"]}\n    listed: {regimes: [Atlantis]}',
     "unknown UN list 'Atlantis'"),
    ("target: [KP]", "target: [KR-COMPANY]", "look-alike entry"),
    ('goods: {hs: ["8704"]}', 'goods: {terms: [hovercraft skates]}', "is not in lexicon"),
])
def test_semantic_checks(tmp_path: Path, change: str, new: str, message: str) -> None:
    root = own_rules(tmp_path, GOOD.replace(change, new))
    problems = check_ruleset(load_ruleset([root], with_lists=False))
    assert any(message in str(p) and p.level == "error" for p in problems), problems
    assert all(str(p).startswith(str(root / "regimes" / "test.yaml") + ":") for p in problems)


def test_too_few_examples_is_a_warning_and_strict_fails(tmp_path: Path) -> None:
    body = GOOD.split("    examples:")[0]
    root = own_rules(tmp_path, body)
    result = invoke("validate", "--no-default-rules", str(root))
    assert result.exit_code == 0, result.stderr
    assert "warning: rule TEST-KP-001 has 0 flag example(s)" in result.stderr
    strict = invoke("validate", "--no-default-rules", "--strict", str(root))
    assert strict.exit_code == 2


def test_validate_duplicate_rule_id(tmp_path: Path) -> None:
    root = own_rules(tmp_path, GOOD)
    (root / "regimes" / "other.yaml").write_text(GOOD.replace("testland", "otherland"))
    result = invoke("validate", "--no-default-rules", str(root))
    assert result.exit_code == 2
    assert "duplicate rule id TEST-KP-001" in result.stderr


def test_failing_example_exits_1(tmp_path: Path) -> None:
    body = GOOD.replace("shipped dump trucks to Mongolia", "shipped dump trucks to North Korea")
    root = own_rules(tmp_path, body)
    result = invoke("test", "--no-default-rules", str(root))
    assert result.exit_code == 1
    assert "TEST-KP-001-no_flag-0" in result.stdout
    assert "FAILED" in result.stdout
    validate = invoke("validate", "--no-default-rules", str(root))
    assert validate.exit_code == 1
    assert "example TEST-KP-001-no_flag-0 failed" in validate.stderr


def test_test_prints_table(tmp_path: Path) -> None:
    root = own_rules(tmp_path, GOOD)
    result = invoke("test", "--no-default-rules", str(root), "-v")
    assert result.exit_code == 0, result.stdout
    assert "TEST-KP-001" in result.stdout and "ok" in result.stdout
    assert "pass TEST-KP-001-flag-0" in result.stdout


def test_list_text_and_json() -> None:
    text = invoke("list")
    assert text.exit_code == 0
    assert "UN-KP-VEH-001" in text.stdout and "dprk.vehicles" in text.stdout
    data = json.loads(invoke("list", "--format", "json").stdout)
    ids = {row["id"] for row in data}
    assert {"UN-KP-VEH-001", "UN-KP-LUX-001", "UN-KP-ARM-001"} <= ids
    assert len(ids) == len(data)


def test_schema_is_valid_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    # every shipped regime file is valid against it, as an editor would see it
    import yaml

    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((default_rules_dir() / "regimes").glob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path}: {errors[0].message}"
    for kind in ("goods", "parties", "actions"):
        out = invoke("schema", kind)
        jsonschema.Draft202012Validator.check_schema(json.loads(out.stdout))


def test_shipped_rules_pass_semantic_checks(ruleset: RuleSet) -> None:
    problems = check_ruleset(ruleset)
    assert [str(p) for p in problems if p.level == "error"] == []
