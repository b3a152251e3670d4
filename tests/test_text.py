"""Segmentation keeps offsets exact and marks what is not the story."""

from __future__ import annotations

from sanctionscan.lexicon import fold
from sanctionscan.text import segment


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment(text)]


def test_abbreviations_do_not_end_sentences() -> None:
    text = ("The U.N. panel met Mr. Lee on Feb. 3 in Washington. "
            "The U.S. envoy left. Dr. Kim stayed.")
    assert sentences(text) == [
        "The U.N. panel met Mr. Lee on Feb. 3 in Washington.",
        "The U.S. envoy left.",
        "Dr. Kim stayed.",
    ]


def test_lines_are_sentence_boundaries_and_offsets_are_exact() -> None:
    text = "Headline without a period\n\nFirst sentence here. Second one!\n"
    segs = segment(text)
    assert [text[s.start:s.end] for s in segs] == [
        "Headline without a period", "First sentence here.", "Second one!"]


def test_captions_and_trailing_boilerplate_are_marked_not_removed() -> None:
    text = ("Story sentence one.\nImage: Someone/Getty Images\nStory two.\n\n"
            "Would you like to comment on this article?\nRegister now.\n")
    segs = segment(text)
    flags = {text[s.start:s.end]: s.boilerplate for s in segs}
    assert flags["Story sentence one."] is False
    assert flags["Image: Someone/Getty Images"] is True
    assert flags["Story two."] is False
    assert flags["Register now."] is True


def test_repeated_lines_point_at_the_first() -> None:
    line = "The same caption line appears twice in a row here."
    segs = segment(f"Intro.\n{line}\n{line}\nSomething else entirely.")
    assert segs[1].duplicate_of is None and segs[2].duplicate_of == segs[1].start
    assert segs[3].duplicate_of is None


def test_fold_keeps_length() -> None:
    for text in ["İstanbul’s “port” – ok", "ÀÉÎ straße", "plain"]:
        assert len(fold(text)) == len(text)


def test_atomic_write_leaves_old_file_on_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from sanctionscan.atomic import atomic_writer, write_text_atomic

    target = tmp_path / "report.json"
    write_text_atomic(target, "old")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half of a new rep")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_seven_characters_before_a_period_decide_whether_it_closes_an_abbreviation() -> None:
    from sanctionscan.text import _ABBREVIATIONS, _is_abbreviation_tail

    # the cache of verdicts is keyed by at most seven characters: every abbreviation is shorter
    assert max(map(len, _ABBREVIATIONS)) < 7
    assert _is_abbreviation_tail("ment Mr")
    assert _is_abbreviation_tail("approx")
    assert _is_abbreviation_tail("(U.S")
    assert not _is_abbreviation_tail("nlarged")  # the tail of a longer word
    assert sentences("The talks on Sept. 4 went on. The envoy wrote approx. 9 pages. "
                     "Officials of the U.S.A. left. Then Washington. Later.") == [
        "The talks on Sept. 4 went on.", "The envoy wrote approx. 9 pages.",
        "Officials of the U.S.A. left.", "Then Washington.", "Later."]


def test_segmenting_until_an_offset_gives_the_same_sentences_up_to_its_line() -> None:
    text = ("A long first sentence that is repeated later.\nSecond line here. And more.\n"
            "A long first sentence that is repeated later.\nLast line.")
    whole = segment(text)
    third_line = text.index("A long", 10)
    assert segment(text, until=third_line + 5) == whole[:4]
    assert whole[3].duplicate_of == whole[0].start
    assert segment(text, until=third_line - 1) == whole[:3]
    assert segment(text, until=len(text)) == whole


_MARKED_LINES = [
    "Would you like to comment on this article?", "Please register to comment for free",
    "Sign in to comment", "Log in to comment", "Please read our comment policy",
    "Your email address will not be published", "Please enter your name",
    "Leave a comment", "Post a reply", "More from the author", "Comments (3)",
    "Image: a port", "Photo: a port", "Photograph - a port", "Picture/ a port", "Video: a port",
    "Credit: someone", "Source | agency", "Caption: a port", "File photo: a port",
    "Related stories", "Read more", "See also", "Share this", "Follow us", "Advertisement",
    "Subscribe", "Scroll to top", "Powered by automated translation",
    "Join our daily newsletter", "Sign up for the newsletter", "Subscribe to our newsletter",
    "Total views: 1,234",
]


def test_every_kind_of_marked_line_passes_the_quick_look_at_its_first_word() -> None:
    import random

    from sanctionscan.text import _LINE_MARKS, _line_marks

    for line in _MARKED_LINES:
        for variant in (line, "   " + line.upper(), "\t" + line.lower()):
            assert _LINE_MARKS.match(variant), variant
            assert _line_marks(variant), variant
    rng = random.Random(5)
    words = [w for line in _MARKED_LINES for w in line.split()] + ["The", "port", ":", "a"]
    for _ in range(3000):
        line = " " * rng.randint(0, 3) + " ".join(rng.choice(words) for _ in range(5))
        expected = _LINE_MARKS.match(line)
        got = _line_marks(line)
        assert (got and got.group(), got and got.start("trailer")) == (
            expected and expected.group(), expected and expected.start("trailer")), line


def test_analysable_only_leaves_out_boilerplate_and_repeats() -> None:
    text = ("A long first sentence that is repeated later.\nImage: a port at night\n"
            "A long first sentence that is repeated later. Something new here.")
    kept = segment(text, analysable_only=True)
    assert kept == [s for s in segment(text) if s.analysable]
    assert [text[s.start:s.end] for s in kept] == [
        "A long first sentence that is repeated later.", "Something new here."]
