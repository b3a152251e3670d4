"""Rule authoring without Python: a user's lexicon adds to the shipped one, errors say what is
valid, `rules schema` is a draft-07 schema editors use, and pytest runs a user's examples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from sanctionscan.cli import cli
from sanctionscan.engine import Scanner
from sanctionscan.errors import RuleSetError
from sanctionscan.models import Document
from sanctionscan.ruleset import default_rules_dir, load_ruleset

pytest_plugins = ["pytester"]

HOVERCRAFT = "Russia delivered a hovercraft to North Korea in March 2024."
YACHT = "Russia delivered a yacht to North Korea in March 2024."
ALIAS = "Russia delivered three trucks to the Hermit Kingdom in March 2024."

RULE = """\
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
        - {text: "Russia delivered trucks to Pyongyang in 2024.", published: 2024-05-01}
        - {text: "A firm shipped dump trucks to North Korea in 2022.", published: 2022-05-01}
      no_flag:
        - {text: "A firm shipped dump trucks to Mongolia in 2022.", published: 2022-05-01}
        - {text: "A firm shipped dump trucks to North Korea in 2015.", published: 2015-05-01}
"""


def user_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "my-rules"
    for rel, body in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body, encoding="utf-8")
    return root


def categories_found(root: Path, text: str) -> set[str]:
    scanner = Scanner(load_ruleset([default_rules_dir(), root], with_lists=False), min_confidence=0.3)
    result = scanner.scan_document(Document(id="t", text=text))
    return {f.category for f in result.findings}


def errors_of(root: Path, *, default: bool = True) -> list[str]:
    dirs = [default_rules_dir(), root] if default else [root]
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(dirs, with_lists=False)
    return [str(e) for e in caught.value.errors]


def test_a_one_entry_goods_file_adds_to_the_shipped_lexicon(tmp_path: Path) -> None:
    root = user_folder(tmp_path, {"lexicon/goods.yaml":
                                  'goods:\n  - {terms: [hovercraft], hs: ["8906"], '
                                  'tags: [vessel]}\n'})
    assert "dprk.vehicles" in categories_found(root, HOVERCRAFT)
    assert "dprk.vehicles" in categories_found(root, YACHT)  # the shipped words still count


def test_replace_true_replaces_the_shipped_file(tmp_path: Path) -> None:
    root = user_folder(tmp_path, {"lexicon/goods.yaml":
                                  'replace: true\ngoods:\n  - {terms: [hovercraft], hs: ["8906"],'
                                  ' tags: [vessel]}\n'})
    assert "dprk.vehicles" in categories_found(root, HOVERCRAFT)
    assert categories_found(root, YACHT) == set()


def test_a_party_named_again_gains_aliases_and_keeps_its_own(tmp_path: Path) -> None:
    root = user_folder(tmp_path, {"lexicon/parties.yaml":
                                  "parties:\n  - {id: KP, names: [Hermit Kingdom]}\n"})
    assert "dprk.vehicles" in categories_found(root, ALIAS)
    assert "dprk.vehicles" in categories_found(root, YACHT)


def test_an_error_in_a_user_layer_names_the_users_file_and_line(tmp_path: Path) -> None:
    root = user_folder(tmp_path, {"lexicon/goods.yaml":
                                  "goods:\n  - {terms: [hovercraft], hs: ['8906']}\n"
                                  "  - {terms: [skiff], hs: [8903.10]}\n"})
    (error,) = errors_of(root)
    assert error.startswith(f"{root / 'lexicon' / 'goods.yaml'}:3: ")
    assert "must be a quoted string" in error


@pytest.mark.parametrize(("change", "expected_line", "words"), [
    ("    goods: {hs: [\"8704\"]}", 11, ["unknown key 'goodz'", "did you mean 'goods'?",
                                        "allowed here: id, category"]),
    ("    category: dprk.vehicles", 6, ["unknown category 'dprk.vehicels'",
                                        "did you mean 'dprk.vehicles'?", "dprk.arms"]),
    ('    goods: {hs: ["8704"]}', 11, ["'87x4' is not valid", "an HS code is 2, 4, 6 or 8 digits",
                                       "'8703.10'"]),
    ("    in_force: {from: 2017-12-22}", 12, ["2017-13-40 is not a date", "YYYY-MM-DD"]),
])
def test_schema_errors_say_what_is_valid(tmp_path: Path, change: str, expected_line: int,
                                          words: list[str]) -> None:
    replacement = {
        "    goods: {hs: [\"8704\"]}": "    goodz: {hs: [\"8704\"]}",
        "    category: dprk.vehicles": "    category: dprk.vehicels",
        "    in_force: {from: 2017-12-22}": "    in_force: {from: 2017-13-40}",
    }[change] if "87x4" not in words[0] else '    goods: {hs: ["87x4"]}'
    root = user_folder(tmp_path, {"regimes/test.yaml": RULE.replace(change, replacement)})
    errors = errors_of(root)
    where = f"{root / 'regimes' / 'test.yaml'}:{expected_line}: "
    assert any(e.startswith(where) and all(w in e for w in words) for e in errors), errors


def test_semantic_errors_suggest_tags_and_party_ids(tmp_path: Path) -> None:
    body = RULE.replace('goods: {hs: ["8704"]}', "goods: {tags: [luxary]}").replace(
        "target: [KP]", "target: [KPP]")
    root = user_folder(tmp_path, {"regimes/test.yaml": body})
    result = CliRunner().invoke(cli, ["rules", "validate", "--rules", str(root),
                                      "--no-examples"])
    assert result.exit_code == 2
    assert "unknown party id 'KPP'" in result.stderr and "did you mean 'KP'?" in result.stderr
    assert "tag 'luxary'" in result.stderr and "did you mean 'luxury'?" in result.stderr
    assert "(valid: " in result.stderr


def test_rules_schema_is_draft_07_with_an_id_and_the_known_values(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "schema", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    schema = json.loads((tmp_path / "s.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == "urn:sanctionscan:schema:1:regime"
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    # as an editor sees it: dates are strings
    shipped = json.loads(json.dumps(yaml.safe_load(
        (default_rules_dir() / "regimes" / "un-dprk.yaml").read_text()), default=str))
    assert not list(validator.iter_errors(shipped))
    rule = shipped["rules"][0]
    for key, bad in (("category", "dprk.vehicels"), ("target", ["KPP"])):
        wrong = {**shipped, "rules": [{**rule, key: bad}]}
        (error,) = validator.iter_errors(wrong)
        assert "enum" in {error.validator, *(c.validator for c in error.context or [])}
    wrong = {**shipped, "rules": [{**rule, "goods": {"tags": ["luxary"]}}]}
    (error,) = validator.iter_errors(wrong)
    enums = [c.validator_value for c in error.context or [] if c.validator == "enum"]
    assert enums and "luxury" in enums[0]


def test_pytest_plugin_runs_a_users_rule_examples(pytester: pytest.Pytester) -> None:
    root = pytester.path / "my-rules"
    (root / "regimes").mkdir(parents=True)
    (root / "regimes" / "test.yaml").write_text(RULE, encoding="utf-8")
    # the plugin is loaded through its pytest11 entry point, as for an installed user
    result = pytester.runpytest_inprocess("--sanctionscan-rules", str(root), "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*TEST-KP-001-flag-0 PASSED*"])
    broken = RULE.replace("to Mongolia", "to North Korea")
    (root / "regimes" / "test.yaml").write_text(broken, encoding="utf-8")
    result = pytester.runpytest_inprocess("--sanctionscan-rules", str(root))
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*regimes/test.yaml:*: A firm shipped dump trucks to North Korea*",
                                 "expected no finding*"])


def test_misspelt_keys_inside_examples_and_enum_values_get_suggestions(tmp_path: Path) -> None:
    body = RULE.replace("severity: high", "severity: hgh").replace(
        '{text: "Russia delivered trucks to Pyongyang in 2024.", published: 2024-05-01}',
        '{text: "Russia delivered trucks to Pyongyang in 2024.", publshed: 2024-05-01}')
    root = user_folder(tmp_path, {"regimes/test.yaml": body})
    errors = errors_of(root)
    path = root / "regimes" / "test.yaml"
    assert f"{path}:8: rules.0.severity: 'hgh' is not one of low, medium, high; did you " \
           "mean 'high'?" in errors
    (example,) = [e for e in errors if "publshed" in e]
    assert example.startswith(f"{path}:15: rules.0.examples.flag.0.publshed: unknown key")
    assert "did you mean 'published'?" in example
    assert len(errors) == 2  # no second, confusing error from the plain-string form
