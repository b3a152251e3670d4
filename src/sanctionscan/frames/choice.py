"""Which sentences frame assembly reads: those a frame can be made in, and those they lean on.

Assembly carries what a sentence found into the next one, and a sentence without any transfer
word carries nothing from the one before it. So a frame's goods are named in its sentence (or
it holds a word that stands for them, "armed"), or in the sentences before it back to one
without a transfer word; and those sentences are what is read back. Everything else of the
article is never split into words, scanned for parties or assembled.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from sanctionscan.lexicon import Hit, Transfers
from sanctionscan.text import Sentence


def frame_sentences(analysable: list[Sentence], found: Transfers,
                    implies_goods: frozenset[int]
                    ) -> tuple[list[Sentence], list[tuple[int, int]]]:
    """What frame assembly reads, of the `analysable` sentences (as `segment(...,
    analysable_only=True)` gives them): each one holding a transfer word that can make a
    frame, with goods to make it with, and the sentences before it that its frames depend
    on; as sentences, and as the stretches of text they cover (merged), in order."""
    # (fields by index, not by name: this runs for every sentence and every hit of the text)
    starts = [s[0] for s in analysable]
    triggers: dict[int, set[tuple[int, int]]] = {}  # sentence index -> its triggers' spans
    for hit in found.triggers:
        start = hit[0]
        k = bisect_right(starts, start) - 1
        if k >= 0 and start < analysable[k][1]:
            triggers.setdefault(k, set()).add(hit[:2])
    if not triggers:
        return [], []
    action_starts = sorted([a[0] for a in found.actions])
    goods = sorted([g[:2] for g in found.goods])
    goods_starts = [start for start, _ in goods]
    implied = sorted([a[0] for a in found.actions if a[3] in implies_goods])

    def holds(hit_starts: list[int], k: int) -> bool:
        sentence = analysable[k]
        return bisect_left(hit_starts, sentence.start) != bisect_left(hit_starts, sentence.end)

    def has_goods(k: int) -> bool:
        return holds(goods_starts, k) or bool(implied) and holds(implied, k)

    chosen: list[Sentence] = []
    spans: list[tuple[int, int]] = []
    taken = -1  # index in `analysable` of the last sentence chosen
    for i in sorted(triggers):
        # Goods named here count beside a transfer word other than the goods word itself:
        # "ships" and "supplies" are read as a verb or as goods, never both.
        lo = bisect_left(goods_starts, analysable[i].start)
        hi = bisect_left(goods_starts, analysable[i].end, lo)
        live = lo < hi and len(triggers[i].union(goods[lo:hi])) > 1 or bool(
            implied) and holds(implied, i)
        k = i
        while not live and k > 0 and (k == i or holds(action_starts, k)):
            k -= 1
            live = has_goods(k)
        if not live:
            continue  # no goods here or carried in: no frame
        first = i - 1
        while first > max(taken, 0) and holds(action_starts, first):
            first -= 1
        first = max(first, 0)
        chosen.extend(analysable[max(first, taken + 1):i + 1])
        taken = i
        if spans and analysable[first].start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], analysable[i].end)
        else:
            spans.append((analysable[first].start, analysable[i].end))
    return chosen, spans


def with_activity_sentences(analysable: list[Sentence], chosen: list[Sentence],
                            spans: list[tuple[int, int]], activities: list[Hit]
                            ) -> tuple[list[Sentence], list[tuple[int, int]]]:
    """`chosen` and `spans` with every sentence that holds a travel, port-call or ship-to-ship
    word: a listed party's activity needs no goods, so those sentences are read too."""
    if not activities:
        return chosen, spans
    starts = [s.start for s in analysable]
    extra: dict[int, Sentence] = {}
    for hit in activities:
        k = bisect_right(starts, hit[0]) - 1
        if k >= 0 and hit[0] < analysable[k].end:
            extra[analysable[k].start] = analysable[k]
    merged = {s.start: s for s in chosen} | extra
    sentences = [merged[k] for k in sorted(merged)]
    stretches: list[tuple[int, int]] = []
    for start, end in sorted([*spans, *((s.start, s.end) for s in extra.values())]):
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], max(end, stretches[-1][1]))
        else:
            stretches.append((start, end))
    return sentences, stretches
