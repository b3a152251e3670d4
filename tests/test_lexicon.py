"""The compiled lexicon: one automaton pass finds every term as a whole word, offsets intact."""

from __future__ import annotations

import random

import pytest

from sanctionscan.lexicon import CompiledLexicon, Hit, Layer, _scan_any, fold
from sanctionscan.ruleset import RuleSet


@pytest.fixture(scope="module")
def lexicon(ruleset_no_lists: RuleSet) -> CompiledLexicon:
    return ruleset_no_lists.lexicon


def test_terms_match_whole_words_only(lexicon: CompiledLexicon) -> None:
    text = "Tomorrow the tanker sailed into port; no tractors, only tractor-trailers."
    entities, actions, others = lexicon.scan_split(text, fold(text))
    words = {text[h.start:h.end] for h in entities + actions + others}
    assert "tanker" in words
    # "to" inside "Tomorrow" and "into", "tractor" inside "tractors" are not words of their own
    assert all(text[h.start:h.end].lower() != "to" for h in others if h.start < 10)
    for hit in entities + actions + others:
        before = text[hit.start - 1] if hit.start else " "
        after = text[hit.end] if hit.end < len(text) else " "
        assert not before.isalnum() and not after.isalnum(), text[hit.start:hit.end]


def _texts(lexicon: CompiledLexicon, seed: int) -> list[str]:
    """Texts made of lexicon terms glued with punctuation, spaces, digits and word pieces."""
    rng = random.Random(seed)
    keys = [k for k in lexicon.patterns() if k.isascii()]
    assert keys
    glue = [" ", "  ", "-", ".", ". ", ",", "'", "\"", "(", ")", "\n", "/", "x", "s", "2", "_",
            "U.S.", "US", "Us", "al-", " -"]
    texts = []
    for _ in range(150):
        pieces = []
        for _ in range(rng.randint(1, 25)):
            key = rng.choice(keys)
            pieces.append(key.upper() if rng.random() < 0.2 else key)
            pieces.append(rng.choice(glue))
        texts.append("".join(pieces))
    return texts


@pytest.mark.parametrize("seed", range(6))
def test_ascii_fast_path_finds_exactly_what_the_general_path_finds(
        lexicon: CompiledLexicon, seed: int) -> None:
    """The padded automaton gives the same hits, in the same order, as the plain one with its
    boundary checks."""
    references = [(a, a.reference()) for a in (lexicon._transfers, lexicon._context)]
    for text in _texts(lexicon, seed):
        folded = fold(text)
        assert folded.isascii()
        for automata, reference in references:
            general: tuple[list[Hit], ...] = tuple([] for _ in range(automata._groups))
            _scan_any(reference, text, folded, 0, len(folded), len(folded), general)
            assert automata.scan(text, folded, None) == general


@pytest.mark.parametrize("seed", range(4))
def test_text_with_letters_beyond_ascii_finds_what_the_general_path_finds(
        lexicon: CompiledLexicon, seed: int) -> None:
    """Letters beyond ASCII stand in as word characters no key holds, other characters beyond
    ASCII as spaces: the ASCII keys match exactly as the plain automaton finds them."""
    rng = random.Random(seed)
    references = [(a, a.reference()) for a in (lexicon._transfers, lexicon._context)]
    beyond = ["ñ", "ø", "ç", "中", "€", "…", "•", "²", "ß", "x", "é", "ï"]
    for text in _texts(lexicon, seed):
        cut = list(text)
        for _ in range(rng.randint(1, 6)):
            cut.insert(rng.randint(0, len(cut)), rng.choice(beyond))
        text = "".join(cut)
        folded = fold(text)
        for automata, reference in references:
            general: tuple[list[Hit], ...] = tuple([] for _ in range(automata._groups))
            _scan_any(reference, text, folded, 0, len(folded), len(folded), general)
            assert automata.scan(text, folded, None) == general, text


def test_a_letter_beyond_ascii_never_completes_a_key(lexicon: CompiledLexicon) -> None:
    # "taçi" is not "taxi", and "lexuş" not "lexus"
    for word in ("taçi", "lexuş", "hiluç", "4ç4", "açle"):
        text = f"They sold a {word} to them."
        entities, _actions, _others = lexicon.scan_split(text, fold(text))
        assert not any(h.start <= text.index(word) < h.end for h in entities), word


@pytest.mark.parametrize("seed", range(3))
def test_context_scan_of_stretches_equals_the_whole_scan_there(
        lexicon: CompiledLexicon, seed: int) -> None:
    rng = random.Random(seed)
    for text in _texts(lexicon, seed):
        folded = fold(text)
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 4)))
        within = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
        entities, actions, others = lexicon.scan_split(text, folded)
        inside = [h for h in entities + others if any(a <= h.start < b for a, b in within)]
        got_entities, got_others = lexicon.scan_context(text, folded, within)
        assert got_entities + got_others == inside
        found = lexicon.scan_transfers(text, folded)
        assert lexicon.scan_context(text, folded, within, found.goods) == (
            got_entities, got_others)
        assert found.actions == actions
        assert found.goods == [h for h in entities if h.layer is Layer.GOODS]


def test_text_beyond_ascii_takes_the_general_path(lexicon: CompiledLexicon) -> None:
    text = "Le président a visité l'Élysée; the tanker left Pyongyang."
    entities, _actions, _others = lexicon.scan_split(text, fold(text))
    assert {text[h.start:h.end] for h in entities if h.layer is Layer.GOODS} >= {"tanker"}
    assert "Pyongyang" in {text[h.start:h.end] for h in entities if h.layer is Layer.PARTY}


@pytest.mark.parametrize("seed", range(4))
def test_keys_written_beyond_ascii_are_found_as_the_general_path_finds_them(
        lexicon: CompiledLexicon, seed: int) -> None:
    """Keys such as "élysée" are looked for only around their letters beyond ASCII; the hits,
    over whole texts and over stretches of them, are those of the plain automaton."""
    rng = random.Random(seed)
    beyond = [k for k in lexicon.patterns() if not k.isascii()]
    ascii_keys = [k for k in lexicon.patterns() if k.isascii()]
    assert beyond
    glue = [" ", "-", ". ", ",", "x", "é", "(", "\n", "  "]
    references = [(a, a.reference()) for a in (lexicon._transfers, lexicon._context)]
    for _ in range(120):
        pieces = []
        for _ in range(rng.randint(1, 20)):
            key = rng.choice(beyond if rng.random() < 0.4 else ascii_keys)
            pieces.append(key.upper() if rng.random() < 0.2 else key)
            pieces.append(rng.choice(glue))
        text = "".join(pieces)
        folded = fold(text)
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, 4)))
        within = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
        for automata, reference in references:
            general: tuple[list[Hit], ...] = tuple([] for _ in range(automata._groups))
            _scan_any(reference, text, folded, 0, len(folded), len(folded), general)
            assert automata.scan(text, folded, None) == general, text
            inside = tuple([h for h in hits if any(a <= h.start < b for a, b in within)]
                           for hits in general)
            got = automata.scan(text, folded, within)
            assert tuple(sorted(h, key=lambda x: (x.end, x.start)) for h in got) == tuple(
                sorted(h, key=lambda x: (x.end, x.start)) for h in inside), text


@pytest.mark.parametrize("rank", ["none", "entity", "other"])
def test_overlaps_resolved_group_by_group_as_one_greedy_pass_would(rank: str) -> None:
    """`_longest` resolves each group of overlapping hits on its own (two at a time without
    sorting); the result is that of the greedy pass over all hits."""
    from sanctionscan.extract import _entity_rank, _longest, _longest_greedy

    ranks = {"none": None, "entity": _entity_rank, "other": lambda h: h.ref % 3}
    rng = random.Random(len(rank))
    for _ in range(3000):
        hits = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randint(0, 30)
            hits.append(Hit(start, start + rng.randint(1, 8), rng.choice(list(Layer)),
                            rng.randint(0, 5), rng.choice([-1, 0, 1, 2])))
        assert _longest(hits, ranks[rank]) == _longest_greedy(hits, ranks[rank]), hits
