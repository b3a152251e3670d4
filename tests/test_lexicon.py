"""The compiled lexicon: one automaton pass finds every term as a whole word, offsets intact."""

from __future__ import annotations

import random

import pytest

from sanctionscan.lexicon import CompiledLexicon, Layer, fold
from sanctionscan.ruleset import load_ruleset


@pytest.fixture(scope="module")
def lexicon() -> CompiledLexicon:
    return load_ruleset(with_lists=False).lexicon


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


@pytest.mark.parametrize("seed", range(6))
def test_ascii_fast_path_finds_exactly_what_the_general_path_finds(
        lexicon: CompiledLexicon, seed: int) -> None:
    """Texts made of lexicon terms glued with punctuation, spaces, digits and word pieces: the
    padded automaton gives the same hits, in the same order, as the plain one with its
    boundary checks."""
    rng = random.Random(seed)
    keys = [k for k in lexicon._automaton if k.isascii()]
    assert keys
    glue = [" ", "  ", "-", ".", ". ", ",", "'", "\"", "(", ")", "\n", "/", "x", "s", "2", "_",
            "U.S.", "US", "Us", "al-", " -"]
    for _ in range(150):
        pieces = []
        for _ in range(rng.randint(1, 25)):
            key = rng.choice(keys)
            pieces.append(key.upper() if rng.random() < 0.2 else key)
            pieces.append(rng.choice(glue))
        text = "".join(pieces)
        folded = fold(text)
        assert folded.isascii()
        fast = lexicon._scan_split_ascii(text, folded)
        assert fast == lexicon._scan_split_any(text, folded)
        assert fast == lexicon.scan_split(text, folded)


def test_text_beyond_ascii_takes_the_general_path(lexicon: CompiledLexicon) -> None:
    text = "Le président a visité l'Élysée; the tanker left Pyongyang."
    entities, _actions, _others = lexicon.scan_split(text, fold(text))
    assert {text[h.start:h.end] for h in entities if h.layer is Layer.GOODS} >= {"tanker"}
    assert "Pyongyang" in {text[h.start:h.end] for h in entities if h.layer is Layer.PARTY}
