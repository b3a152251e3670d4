"""Finding listed persons, entities and vessels in text: the compiled listed-party matcher.

This module owns name normalisation (transliteration, case, diacritics, hyphens, apostrophes,
Korean romanisation variants, word order) and the matcher built once per rule set from the
imported lists (`sanctionscan.lists`). Per document the work does not grow with the number of
list entries. A name is only looked for around an anchor: a word written with a capital that is
the rarest word of some alias (or begins like a long one), with another word of that alias in the
text; most articles have none and are never tokenized. Around each anchor, one Aho-Corasick pass
over the normalised tokens finds whole aliases and rare blocking tokens; only the few candidate
windows found that way are scored with rapidfuzz.
Every match carries offsets into the original text, the alias that matched, its score, the
threshold it had to reach and the normalisation steps applied, so a finding can explain itself.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate, chain, compress, count, product, repeat
from math import ceil, floor
from operator import add, attrgetter, is_, itemgetter
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar, cast

import ahocorasick
import regex
import yaml
from anyascii import anyascii
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from sanctionscan.lists import AliasQuality, EntryType, ListEntry, SanctionsList
from sanctionscan.text import starting_in

# --------------------------------------------------------------------------- thresholds
# Scores are rapidfuzz 0..100 on normalised names. Exact-only paths use 100.
THRESHOLD_GOOD = 88.0
THRESHOLD_UNKNOWN = 92.0
# Weak aliases (nicknames, kunyas) are often ordinary words or short: demand near-identity.
THRESHOLD_LOW = 95.0
# Korean names are short and built from a few hundred syllables, so any fuzziness turns one
# listed person into many real people: compare phonetic keys and demand them all equal.
THRESHOLD_KOREAN = 100.0
# A token of the alias counts as present in a window at this per-token similarity.
TOKEN_SIMILARITY = 80.0
# Single-word aliases shorter than this are ordinary words far too often (acronyms excepted).
MIN_SINGLE_TOKEN_CHARS = 5
# An alias is blocked on this many of its rarest distinctive tokens, so one misspelt token
# still leaves a way in.
BLOCKING_TOKENS = 2
# ... but the second only when at most this many entries share it.
SECOND_BLOCK_MAX_ENTRIES = 8
# A name token shared by at least this many entries is common ("Muhammad", "Ali"); an alias
# made only of common names is matched word for word, or not at all (see _without_common_names).
COMMON_NAME_ENTRIES = 12
# A blocking key this long also blocks by its first letters, for other endings of the name.
BLOCK_PREFIX_MIN_CHARS = 6
BLOCK_PREFIX_CHARS = 4

MatchStep = str


class ListedMatch(BaseModel):
    """One listed party found in a text. `text == document[start:end]` always holds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int
    end: int
    text: str
    ref: str
    primary_name: str
    regime: str
    type: EntryType
    list_name: str = ""
    alias: str = Field(description="the list name that matched (primary name or an alias)")
    alias_quality: AliasQuality
    score: float
    threshold: float
    steps: list[MatchStep] = Field(default_factory=list)
    listed_on: date | None = Field(default=None, description="when the entry was listed")
    details: list[str] = Field(
        default_factory=list,
        description="what tells the listed party from a namesake: dates and places of birth, "
                    "nationality, documents, titles, designations, IMO numbers, addresses")


# --------------------------------------------------------------------------- Korean names


def _fold_words(words: Iterable[str]) -> frozenset[str]:
    return frozenset(_fold(w) for w in words)


# Korean family names in their usual romanisations, mapped to one form ("Lee" = "Ri").
_SURNAME_FORMS = {
    "ri": "ri", "li": "ri", "lee": "ri", "yi": "ri", "rhee": "ri", "rhie": "ri",
    "pak": "pak", "park": "pak", "bak": "pak", "pack": "pak",
    "choe": "choe", "choi": "choe", "chwe": "choe", "chhwe": "choe", "choy": "choe",
    "kim": "kim", "gim": "kim",
    "jo": "jo", "cho": "jo",
    "jon": "jon", "jeon": "jon", "chon": "jon", "chun": "jon", "jun": "jon",
    "ko": "ko", "go": "ko", "koh": "ko",
    "kang": "kang", "gang": "kang",
    "yun": "yun", "yoon": "yun",
    "o": "o", "oh": "o",
    "ryu": "ryu", "yu": "ryu", "yoo": "ryu", "ryoo": "ryu",
    "rim": "rim", "im": "rim", "lim": "rim",
    "hyon": "hyon", "hyun": "hyon", "hyeon": "hyon",
    "ju": "ju", "chu": "ju",
    "son": "son", "sohn": "son",
    "ryom": "ryom", "yeom": "ryom", "yom": "ryom",
}
# One romanised Korean syllable after folding (eo->o, eu->u, ch->j): optional initial, optional
# glide, vowel, optional final. Used to tell a Korean personal name from other names.
_KOREAN_SYLLABLE = re.compile(
    r"^(?:kk|tt|pp|ss|jj|ch|[kgndtrlmbpsjhc])?[yw]?(?:ae|oe|ui|ai|[aeiou])(?:ng|[kntlmp])?$")


# --------------------------------------------------------------------------- normalisation

# Chinese and Japanese write names without spaces: each ideograph is its own token, so a
# listed name in Chinese script is found inside a longer run of text.
_TOKEN = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}]"
    r"|(?:(?![\p{Han}\p{Hiragana}\p{Katakana}])[\p{L}\p{M}\p{N}])+"
    r"(?:['’ʼ‘`´](?:(?![\p{Han}\p{Hiragana}\p{Katakana}])[\p{L}\p{M}\p{N}])+)*")
_APOSTROPHES = "'’ʼ‘`´"
_IMO_IN_TEXT = regex.compile(
    r"\bIMO\b(?:[ \t]*(?:number|no\.?|nr\.?|num\.?|#))?[ \t]*[:#.]?[ \t]*(\d{7})\b",
    regex.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def _plain(raw: str) -> str:
    """Transliterate, casefold and keep letters and digits only ("Cho’ng" -> "chong")."""
    ascii_text = anyascii(raw).casefold()
    return "".join(ch for ch in ascii_text if ch.isalnum())


# The word data (rules/names/name-words.yaml): weak words, transliteration variants and
# abbreviations. Data, not code, so an analyst can extend it without touching the matcher.
NAME_WORDS_FILE = Path(__file__).parent / "data" / "rules" / "names" / "name-words.yaml"


class _NameWords(NamedTuple):
    weak: frozenset[str]  # plain forms of common words, first names, places
    variants: dict[str, str]  # plain spelling -> plain canonical spelling
    abbreviations: dict[str, str]  # plain abbreviation -> plain word
    phrases: tuple[tuple[str, str], ...]  # (long form, short form), plain words


def _load_name_words(path: Path = NAME_WORDS_FILE) -> _NameWords:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    except OSError:
        data = {}  # a build without the word file matches as before, only less carefully

    def plain(word: object) -> str:
        return "".join(ch for ch in anyascii(str(word)).casefold() if ch.isalnum())

    weak = set(plain(w) for key in ("common_words", "first_names", "places")
               for w in data.get(key) or ())
    weak.update(plain(w) for w in _lexicon_places(path.parents[1] / "lexicon" / "parties.yaml"))
    variants: dict[str, str] = {}
    for group in data.get("variants") or ():
        canonical = plain(group[0])
        for word in group:
            variants.setdefault(plain(word), canonical)
    abbreviations = {plain(k): plain(v) for k, v in (data.get("abbreviations") or {}).items()}
    phrases = tuple((" ".join(str(a).split()), " ".join(str(b).split()))
                    for a, b in data.get("phrases") or ())
    return _NameWords(frozenset(weak), variants, abbreviations, phrases)


def _lexicon_places(path: Path) -> list[str]:
    """The one-word names and demonyms of the states in the shipped party lexicon ("Choson",
    "Libyan", "Somaliland"): place names, so weak alone. (Not the metonyms: those hold leaders
    as well as capitals, and a family name such as "Qadhafi" is what tells a listed person.)"""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    except (OSError, yaml.YAMLError):
        return []
    words = []
    for party in data.get("parties") or ():
        if not re.fullmatch(r"[A-Z]{2}", str(party.get("id", ""))) or party.get("kind"):
            continue  # states only: a group's own name ("Houthis") is no place
        for key in ("names", "demonyms"):
            words += [str(w) for w in party.get(key) or () if len(str(w).split()) == 1]
    return words


_WORDS = _load_name_words()


@lru_cache(maxsize=1 << 16)
def _fold(raw: str) -> str:
    """The scoring form of one token: plain, one spelling per Korean surname, abbreviations
    read as their word ("Dept" = "department"), one spelling per transliterated name
    (Qadhafi = Gaddafi, Mohammed = Muhammad), the McCune-Reischauer / Revised Romanisation
    spellings folded together (Jong = Chong = Jeong), and the Arabic transliteration habits
    that never tell two names apart: doubled letters, q/k, dh/d, ou/u, oo/u."""
    plain = _plain(raw)
    if plain in _SURNAME_FORMS:
        return _SURNAME_FORMS[plain]
    plain = _WORDS.abbreviations.get(plain, plain)
    plain = _WORDS.variants.get(plain, plain)
    return _generic_fold(plain)


def _generic_fold(plain: str) -> str:
    text = plain.replace("eo", "o").replace("eu", "u").replace("ch", "j")
    if not text.isdigit():
        text = text.replace("dh", "d").replace("q", "k").replace("ou", "u").replace("oo", "u")
        text = _DOUBLED.sub(r"\1", text)
    return text


_DOUBLED = re.compile(r"([a-z])\1+")


def _is_weak(folded: str) -> bool:
    """A common word, first name or place name (or the plural of one): never a reason alone."""
    return folded in _WEAK or (len(folded) > 3 and folded[-1] == "s" and folded[:-1] in _WEAK)


@lru_cache(maxsize=1 << 16)
def _key(folded: str) -> str:
    """The blocking (phonetic) key of a folded token: vowels o/u and voiced/unvoiced consonants
    merged, doubled letters collapsed, so Choson = Chosun and Taedong = Daedong."""
    if folded.isdigit():
        return folded
    text = folded.replace("ph", "p").replace("sh", "s").replace("kh", "k").replace("th", "t")
    if len(text) >= 5 and text.endswith("s") and not text.endswith("ss"):
        text = text[:-1]  # "Houthis" / "Houthi"
    text = text.translate(_VOICING)
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


_VOICING = str.maketrans({"u": "o", "g": "k", "d": "t", "b": "p", "l": "r"})
_WEAK = frozenset(_generic_fold(_WORDS.variants.get(w, w)) for w in _WORDS.weak)


# Words that never tell one party from another: they may be part of a match, never its reason.
_STOP = _fold_words("""
    the of and for in on at to a an de du des la le el al ul bin ibn abu bint wa y e et von van
    i ud ur ut
""".split())
_LEGAL_FORMS = _fold_words("""
    co company corp corporation inc incorporated ltd limited llc plc pte jsc ojsc cjsc sa sarl
    gmbh ag bv nv srl spa kk pty lp llp
""".split())
# Kinds of body and places: "Korea ... Trading Corporation" names hundreds of firms, many of
# them South Korean. They count towards a match only next to a real name.
_GENERIC = _fold_words("""
    trading trade traders general bank banking korea korean dprk dprkn north south east west
    democratic people peoples republic national international foreign external central state
    united group groups holding holdings enterprise enterprises industry industries industrial
    department ministry committee commission bureau office agency administration authority
    association associated organisation organization institute center centre council service
    services development management technology technologies commercial credit investment
    finance financial shipping shpg logistics transport import export joint venture cooperation
    cooperative union federation branch division unit affairs economic trust partnership
""".split())
# Ordinary English words that occur in listed names ("THE YOUTH", "The Base", "Third Floor"):
# a name made only of these needs several of them in a row to be specific.
_ORDINARY = _fold_words("""
    ocean maritime marine sea mining energy atomic space air aviation airlines construction
    engineering machine machinery equipment materials metals metal chemical chemicals
    electronics electric power oil gas petroleum fuel youth base god islamic islam salvation
    supporters partisans revolutionary liberation brigade brigades battalion martyrs mujahidin
    mujahideen jihad movement front network foundation fund army forces force military defence
    defense armed security intelligence research science sciences academy university station
    factory works complex world global asia pacific star bridge floor first second third new
    great golden green pine family victory party crew supplies land river mountain
    light gold silver steel iron coal friendship unity peace freedom justice
""".split())
_VESSEL_CUES = _fold_words("""
    vessel vessels ship ships tanker tankers freighter cargo bulk carrier mv m v mt ss boat
    dhow trawler flagged tug barge
""".split())


class _Token(NamedTuple):
    # A tuple, not a dataclass: a document has thousands of tokens and tuples build fastest.
    start: int
    end: int
    raw: str
    folded: str
    key: str
    brk: bool  # punctuation before this token that a name never spans


class _Word(NamedTuple):
    """What the matcher needs of one token apart from where it is: cached per distinct word,
    so a document's token list is a list of shared tuples, not one new tuple per token."""

    raw: str
    folded: str
    key: str


class _Doc(NamedTuple):
    """A text's tokens as columns: the words, their keys, whether a break comes before each,
    the indices of those that follow a break, and where each starts in the text (or, until
    a match needs them, the text as gap, word, gap, word, ..., gap to find that from)."""

    words: list[_Word]
    keys: list[str]
    brks: list[bool]
    breaks: list[int]
    starts: list[int] | None
    parts: list[str]

    @classmethod
    def of(cls, tokens: list[_Token]) -> _Doc:
        return cls([_Word(t.raw, t.folded, t.key) for t in tokens], [t.key for t in tokens],
                   [t.brk for t in tokens], [i for i, t in enumerate(tokens) if t.brk],
                   [t.start for t in tokens], [])

    def token_starts(self) -> list[int]:
        if self.starts is not None:
            return self.starts
        # running sum of the lengths of gap, word, gap, word...: a token starts where its
        # gap ends. Only texts with a candidate match get here.
        return list(accumulate(map(len, self.parts)))[0:-1:2]


# A name may run across spaces, hyphens, apostrophes and quotes ("Jimmy 'Barbecue' Cherizier"),
# never across clause punctuation: "Ri Won Ho; Li ..." must not yield "Won Ho; Li".
_HARD_BREAK = set(";:!?()[]{}<>|/\\•·–—")
_ABBREVIATIONS = frozenset({"no", "nr", "co", "corp", "inc", "ltd", "st", "mr", "mrs", "ms",
                            "dr", "jr", "sr", "gen", "col", "lt", "capt", "bros"}
                           | set(_WORDS.abbreviations))


def _is_break(gap: str, previous: str, following: str) -> bool:
    cached = _GAP_BREAKS.get(gap, _UNKNOWN)
    breaks = _gap_breaks(gap) if cached is _UNKNOWN else cast("bool | None", cached)
    if breaks is not None:
        return breaks
    rest = gap.strip(" \t\r\n-'’\"“”")
    if rest in {".", ".,"}:
        # "Co. Ltd", "No. 39", "J. Smith" keep going; a sentence end does not.
        return not (_plain(previous) in _ABBREVIATIONS or len(previous) == 1)
    if rest == ",":
        # "COMPANY, LIMITED" / "Co., Ltd" are one name; "Kim Jong-il, Kim Il-sung" are two.
        return _fold(following) not in _LEGAL_FORMS
    return True


# gap -> whether it breaks a name whatever the words around it (None: that depends on them).
# Documents repeat the same few gaps (", ", ". ", "\n"), so each is judged once.
_GAP_BREAKS: dict[str, bool | None] = {}
_UNKNOWN = object()


def _gap_breaks(gap: str) -> bool | None:
    breaks: bool | None
    if gap == " ":
        breaks = False
    elif not gap.strip(" \t\r\n-‐‑'’ʼ‘`´\"“”«»"):
        # a wrapped line continues the name; a blank line (paragraph) ends it
        breaks = gap.count("\n") >= 2
    elif any(ch in _HARD_BREAK for ch in gap) or gap.count("\n") >= 2:
        breaks = True
    else:
        # "." and "," depend on the words around them (see _is_break)
        breaks = None if gap.strip(" \t\r\n-'’\"“”") in {".", ".,", ","} else True
    if len(_GAP_BREAKS) >= _CACHE_MAX:
        _GAP_BREAKS.clear()
    _GAP_BREAKS[gap] = breaks
    return breaks


def _raw_tokens(text: str) -> list[str]:
    """The words of an alias spelling as the reference tokenizer reads them (possessive
    dropped, words that fold to nothing left out), without the offsets and breaks a document
    needs: compile time only, where tens of thousands of spellings are read."""
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        info = _WORD_INFO.get(word) or _word_info(word)
        if info.folded:
            found.append(info.raw)
    return found


def _scan(text: str) -> _Doc:
    """The tokens of a text, built column by column with C-level map/zip/compress instead of
    a Python loop per token: a 3.6 KB article has ~600 tokens."""
    parts = _words_between_gaps(text)
    if parts is None:
        return _Doc.of(_tokens_slow(text))
    words = parts[1::2]
    if not words:
        return _Doc([], [], [], [], [], [])
    gaps = parts[0:-1:2]
    looked_up = list(map(_WORD_INFO.get, words))
    infos = cast("list[_Word]", looked_up) if None not in looked_up else [
        info if info is not None else _word_info(word) for info, word in zip(looked_up, words)]
    keys = list(map(_KEY, infos))
    if "" in keys:
        # a word that folds to nothing (so its key is empty) is dropped, which shifts gaps
        # and neighbours: rare enough for the plain loop
        return _Doc.of(_tokens_from_pairs(list(zip(gaps, words))))
    # Whether each gap breaks a name, from the verdict cache; only "." and "," gaps (None)
    # depend on their words and are judged one by one. The first token has no break.
    verdicts = list(map(_GAP_BREAKS.get, gaps, repeat(_UNKNOWN)))
    verdicts[0] = False
    if _UNKNOWN in verdicts:
        verdicts = [_gap_breaks(gap) if verdict is _UNKNOWN else verdict
                    for gap, verdict in zip(gaps, verdicts)]
        verdicts[0] = False
    for i in compress(range(len(verdicts)), map(is_, verdicts, repeat(None))):
        verdicts[i] = _is_break(gaps[i], infos[i - 1].raw, infos[i].raw)
    brks = list(map(is_, verdicts, repeat(True)))
    return _Doc(infos, keys, brks, list(compress(range(len(brks)), brks)), None, parts)


def _tokens_from_pairs(pairs: list[tuple[str, str]]) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    for gap, word in pairs:
        start = position + len(gap)
        position = start + len(word)  # the gap to the next token starts after a possessive
        raw, folded, key = _WORD_INFO.get(word) or _word_info(word)
        if not folded:
            continue
        brk = bool(found) and _is_break(gap, found[-1].raw, raw)
        found.append(_Token(start, start + len(raw), raw, folded, key, brk))
    return found


def _tokens_slow(text: str) -> list[_Token]:
    """The reference tokenizer (`regex`, Unicode scripts): used for text the fast path cannot
    prove it reads the same way (Chinese or Japanese script, combining marks)."""
    found: list[_Token] = []
    previous_end = 0  # end of the previous token including a possessive "'s"
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        gap = text[previous_end:start]
        previous_end = end
        raw, folded, key = _word_info(match.group())
        if not folded:
            continue
        brk = bool(found) and _is_break(gap, found[-1].raw, raw)
        found.append(_Token(start, start + len(raw), raw, folded, key, brk))
    return found


# The same tokens as _TOKEN, for text where `re` and `regex` classify every character alike.
# `regex` with Unicode properties costs about five times as much per document as `re`, and
# splitting on a captured token gives gap, word, gap, word, ..., gap as plain strings.
_WORD = re.compile(r"([^\W_]+(?:['’‘`´][^\W_]+)*)")
# the same on ASCII text, where ranges test faster than the Unicode class
_ASCII_WORD = re.compile(r"([A-Za-z0-9]+(?:['’‘`´][A-Za-z0-9]+)*)")
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


def _beyond_ascii(text: str) -> set[str]:
    """The characters of `text` beyond ASCII (the text with its ASCII runs cut out: one
    string, not a list of one-character strings)."""
    return set(_ASCII_RUN.sub("", text))


# Words of ASCII text that are not written in lower case (capitalised, in capitals, numbers):
# the only ones that can anchor a listed name there.
# A word starting with a capital or a digit, with what hangs on it by hyphen or apostrophe
# ("Jong-un"). It may start inside a word ("al-Baghdadi" gives "Baghdadi"); _word_spans keeps
# only those that start after a non-letter.
_CAPITALISED = re.compile(r"[A-Z0-9][\w'’‘`´‐‑-]*")
_CAPITALISED_ANY = re.compile(r"[^\W_a-z][\w'’‘`´‐‑-]*")
_WHITESPACE = re.compile(r"\s")
_HYPHENS = re.compile(r"[-‐‑]")
# characters read beyond an anchor's longest alias: a word more and a vessel word before it
_WINDOW_MARGIN = 64
_TOKEN_CHAR = regex.compile(r"[\p{L}\p{M}\p{N}]")
_OWN_TOKEN_CHAR = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
# character -> whether `re` (str.isalnum) and _TOKEN agree on it; a few hundred entries at most
_SAME_CLASS: dict[str, bool] = {}
# word as matched -> (token after dropping a possessive, folded, key); bounded below
_WORD_INFO: dict[str, _Word] = {}
_CACHE_MAX = 1 << 17
_KEY = itemgetter(2)
_SPACE = " "


def _same_class(ch: str) -> bool:
    known = _SAME_CLASS.get(ch)
    if known is None:
        known = not _OWN_TOKEN_CHAR.match(ch) and bool(_TOKEN_CHAR.match(ch)) == ch.isalnum()
        _SAME_CLASS[ch] = known
    return known


def _words_between_gaps(text: str) -> list[str] | None:
    if text.isascii():
        return _ASCII_WORD.split(text)
    if not all(map(_same_class, _beyond_ascii(text))):
        return None
    return _WORD.split(text)


def _word_info(word: str) -> _Word:
    raw = word
    if len(raw) > 3 and raw[-1] in "sS" and raw[-2] in _APOSTROPHES:
        # "KOMID's" names KOMID; the clitic must not glue onto the name.
        raw = raw[:-2]
    folded = _fold(raw)
    known = _Word(raw, folded, _key(folded) if folded else "")
    if len(_WORD_INFO) >= _CACHE_MAX:
        _WORD_INFO.clear()
    _WORD_INFO[word] = known
    return known


# --------------------------------------------------------------------------- alias forms

# "typo": matched with at most one edit over the whole name (names made of ordinary words)
FormKind = Literal["fuzzy", "exact", "korean", "acronym", "vessel", "typo"]
_SCORED = frozenset({"fuzzy", "typo"})
# A step that marks a match which only counts beside another name of the same entry.
NEEDS_SUPPORT = "other-name-nearby"
# Names whose whole folded text is at least this long tolerate one typo even when made of
# ordinary words ("Ocean Maritime Managment").
TYPO_MIN_CHARS = 12


class _Form(NamedTuple):
    """One matchable spelling of one list name, with how it may match."""

    # A named tuple, not a frozen dataclass: a large list compiles to tens of thousands of
    # forms, and the cached rule set unpickles a tuple several times faster.

    entry: int  # index into ListMatcher._entries
    alias: str
    quality: AliasQuality
    kind: FormKind
    folded: tuple[str, ...]
    keys: tuple[str, ...]
    raw_tokens: tuple[str, ...]
    threshold: float
    steps: tuple[str, ...]
    original_script: bool


def _name_variants(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """Spellings derived from one list name, each with the steps that derived it: without a
    parenthesised part, without a leading "The", and without trailing legal forms ("Co. Ltd")."""
    variants: list[tuple[str, tuple[str, ...]]] = [(name, ())]
    # A bracketed part is an acronym or a remark ("(DCB)", "(Sheikh)"): matched on its own
    # (acronyms) or not at all, never as part of the name.
    without_parens = " ".join(re.sub(r"\([^()]*\)", " ", name).split())
    if without_parens and without_parens != name:
        variants = [(without_parens, ("parenthetical-dropped",))]
        # "LEADER (HONG KONG) INTERNATIONAL" is also written without the brackets
        kept = " ".join(re.sub(r"[()]", " ", name).split())
        if not _acronyms_in(name) and kept != without_parens:
            variants.append((kept, ()))
    # "THE HOUTHIS" is named as "the Houthis" and as "Houthis"; the article proves nothing.
    text, steps = variants[0]
    article = re.match(r"(?i)the\s+(?=\S)", text)
    if article:
        variants = [(text[article.end():], steps + ("article-dropped",))]
    for text, steps in list(variants):
        tokens = [t.group() for t in _TOKEN.finditer(text)]
        cut = len(tokens)
        while cut > 0 and _fold(tokens[cut - 1]) in _LEGAL_FORMS:
            cut -= 1
        if 0 < cut < len(tokens):
            variants.append((" ".join(tokens[:cut]), steps + ("legal-form-dropped",)))
    # "Joint Venture" is written "JV" and the other way round (rules/names/name-words.yaml)
    for text, steps in list(variants):
        for pattern, replacement in _PHRASE_PATTERNS:
            changed = pattern.sub(replacement, text)
            if changed != text:
                variants.append((changed, steps + ("abbreviation",)))
    return variants


def _phrase_pattern(words: str) -> re.Pattern[str]:
    # the words of a phrase with spaces, a slash or a hyphen between them ("J/V", "Joint-Venture")
    return re.compile(r"(?i)(?<!\w)" + r"[\s/-]*".join(map(re.escape, words.split())) + r"(?!\w)")


_PHRASE_PATTERNS = [(_phrase_pattern(a), b) for long, short in _WORDS.phrases
                    for a, b in ((long, short), (short, long))]


def _acronyms_in(name: str) -> list[str]:
    """An upper-case acronym given in parentheses after a name: 'DAEDONG CREDIT BANK (DCB)'."""
    return re.findall(r"\(([A-Z][A-Z0-9]{1,7})\)", name)


def _acronym_steps(acronym: str) -> tuple[str, ...]:
    """Three capitals name many bodies ("ISI" is also Pakistan's intelligence service, "MIT" a
    university, "ADF" an army): such an acronym counts only beside another name of its entry,
    as news introduces it ("Allied Democratic Forces (ADF)"), even where the list gives it as
    the primary name. One with a digit ("M23") stands alone."""
    if len(acronym) <= 3 and not any(ch.isdigit() for ch in acronym):
        return ("acronym-case-sensitive", NEEDS_SUPPORT)
    return ("acronym-case-sensitive",)


def _is_acronym(alias: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", alias.strip()))


TokenClass = Literal["stop", "legal", "generic", "ordinary", "number", "name"]


@lru_cache(maxsize=1 << 16)
def _token_class(folded: str) -> TokenClass:
    if folded.isdigit():
        return "number"
    if folded in _STOP:
        return "stop"
    if folded in _LEGAL_FORMS:
        return "legal"
    if folded in _GENERIC:
        return "generic"
    if folded in _ORDINARY:
        return "ordinary"
    return "name"


def _is_distinctive(folded: str) -> bool:
    return _token_class(folded) in {"name", "ordinary"}


def _forms_for(index: int, entry: ListEntry) -> list[_Form]:
    names: list[tuple[str, AliasQuality, bool, bool]] = [(entry.name, "good", False, False)]
    names += [(a.name, a.quality, a.original_script, a.former) for a in entry.aliases]
    forms: list[_Form] = []
    for alias, quality, script, former in names:
        # A previous name still identifies the party, but the reader should know it is one.
        base = ("former-name",) if former else ()
        for acronym in _acronyms_in(alias):
            if _is_weak(_fold(acronym)):
                continue  # "(KENYA)" after a branch's name is a remark, not an acronym
            forms.append(_make_form(index, alias, (acronym,), quality, "acronym",
                                    base + _acronym_steps(acronym), script))
        variants = _name_variants(alias)
        if entry.type == "entity":
            variants += _without_country(variants)
            variants += _core_name(variants)
        elif entry.type == "individual" and quality != "low" and not script:
            variants += _first_and_last(variants)
        for text, steps in variants:
            forms.extend(_forms_for_text(index, entry, alias, text, quality, base + steps,
                                         script))
    return forms


def _first_and_last(variants: list[tuple[str, tuple[str, ...]]]
                    ) -> list[tuple[str, tuple[str, ...]]]:
    """News names a person by given and family name and leaves out the father's and
    grandfather's names the list gives ("Khamis Qadhafi" for KHAMIS MUAMMAR QADHAFI). Offer
    that form when the family name is neither a first name nor a common word; an alias made
    only of common names is then dropped by _without_common_names."""
    extra = []
    for text, steps in variants[:1]:
        tokens = [t.group() for t in _TOKEN.finditer(text)]
        folded = [_fold(t) for t in tokens]
        names = [i for i, f in enumerate(folded) if _token_class(f) == "name"]
        if len(names) < 3 or all(_KOREAN_SYLLABLE.match(f) for f in folded):
            continue
        first, last = names[0], names[-1]
        if _is_weak(folded[last]) or len(folded[last]) < 4:
            continue
        # keep a particle before the family name ("Saif al-Islam" is one given name)
        second = names[1]
        given = second + 1 if _token_class(folded[second - 1]) == "stop" else first + 1
        head = tokens[:given]
        start = last - 1 if _token_class(folded[last - 1]) == "stop" else last
        if start <= given:
            continue
        tail = tokens[start:]
        extra.append((" ".join(head + tail), steps + ("middle-names-dropped",)))
    return extra


_COUNTRY_PREFIXES = _fold_words(["korea", "korean", "dprk", "dprkn"])
_TAIL_WORDS = _fold_words(["companies", "firms", "corporations"])


def _core_name(variants: list[tuple[str, tuple[str, ...]]]
               ) -> list[tuple[str, tuple[str, ...]]]:
    """News shortens a firm's listed name: "Green Pine Associated Corporation" is reported as
    "Green Pine Corporation", "Mansudae Overseas Project Group of Companies" as "Mansudae
    Overseas Project Group". Offer the name without generic words after its distinctive start,
    while at least two words, one of them a real name, remain."""
    extra = []
    for text, steps in variants:
        tokens = [t.group() for t in _TOKEN.finditer(text)]
        head: list[str] = []
        for token in tokens:
            folded = _fold(token)
            if head and (folded in _GENERIC or folded in _LEGAL_FORMS or folded in _STOP
                         or folded in _TAIL_WORDS) and folded != "group":
                break
            head.append(token)
        rest = [_fold(t) for t in tokens[len(head):]]
        # "... Group of Companies": the name ends where "of" starts a generic tail
        # (only when a generic tail follows: "Al-Qaida of Jihad Organization ..." is no
        # "Al-Qaida")
        if 2 <= len(head) < len(tokens) and "of" in rest[:2] and any(
                _token_class(_fold(t)) == "name" for t in head) and all(
                f in _GENERIC or f in _LEGAL_FORMS or f in _STOP or f in _TAIL_WORDS
                for f in rest[rest.index("of") + 1:]):
            cut = len(head) + rest.index("of")
            extra.append((" ".join(tokens[:cut]), steps + ("generic-words-dropped",)))
        # keep the legal form when the rest is ordinary words: "Green Pine Corporation"
        if (2 <= len(head) < len(tokens) - 1 and _fold(tokens[-1]) in _LEGAL_FORMS
                and all(_is_distinctive(_fold(t)) for t in head)):
            extra.append((" ".join([*head, tokens[-1]]), steps + ("generic-words-dropped",)))
    return extra


def _without_country(variants: list[tuple[str, tuple[str, ...]]]
                     ) -> list[tuple[str, tuple[str, ...]]]:
    """"Korea Samma Shipping Co" is also written "Samma Shipping Co": drop a leading country
    word when a real name and another word remain."""
    extra = []
    for text, steps in variants:
        tokens = [t.group() for t in _TOKEN.finditer(text)]
        rest = tokens[1:]
        if (tokens and _fold(tokens[0]) in _COUNTRY_PREFIXES and len(rest) >= 2
                and any(_token_class(_fold(t)) == "name" for t in rest)):
            extra.append((" ".join(rest), steps + ("country-dropped",)))
    return extra


def _forms_for_text(index: int, entry: ListEntry, alias: str, text: str,
                    quality: AliasQuality, steps: tuple[str, ...], script: bool) -> list[_Form]:
    """How one spelling may match, decided once at compile time (see docs/lists.md)."""
    raw_tokens = _raw_tokens(text)
    if not raw_tokens:
        return []
    folded = [_fold(t) for t in raw_tokens]
    classes = [_token_class(f) for f in folded]
    n = len(raw_tokens)
    names = [f for f, c in zip(folded, classes) if c == "name"]
    ordinary = classes.count("ordinary")
    non_stop = n - classes.count("stop")

    def make(kind: FormKind, tokens: list[str], extra: tuple[str, ...] = (),
             threshold: float = 100.0) -> _Form:
        return _make_form(index, alias, tuple(tokens), quality, kind, steps + extra, script,
                          threshold)

    if script:
        # Transliterated Arabic or Chinese is too lossy to compare fuzzily; exact only, and
        # only against text in the same script (checked at match time).
        return [make("exact", raw_tokens)] if sum(map(len, folded)) >= 4 else []
    if entry.type == "vessel":
        return [make("vessel", toks, extra) for toks, extra in _joined_variants(raw_tokens)]
    forms: list[_Form] = []
    if n == 1 and _is_acronym(text) and text.strip() == alias.strip().strip("\"'“”") and (
            classes[0] == "name"):
        # only a listed one-word name in capitals ("KOMID", "MYM"), never an ordinary word in
        # capitals ("THE YOUTH" -> "YOUTH")
        if not _is_weak(folded[0]):  # "FAIZ" in capitals is still a first name
            forms.append(make("acronym", raw_tokens, _acronym_steps(text.strip())))
    if quality == "low" and len(names) < 2:
        return forms  # nicknames and kunyas ("Abu Fatma", "BARBEQUE") never match alone
    if entry.type == "individual" and 2 <= n <= 4 and all(
            _KOREAN_SYLLABLE.match(f) for f in folded):
        return forms + [make("korean", toks, extra, THRESHOLD_KOREAN)
                        for toks, extra in _korean_orders(raw_tokens)]
    if not names:
        # Kinds of body and ordinary words ("Ministry of Defence", "THE YOUTH", "Third Floor")
        # name many bodies in many countries. Only a long run of them, or one with a number
        # ("Office 39"), is specific, and then only word for word.
        specific = ("number" in classes and "generic" in classes) or (
            ordinary >= 2 and non_stop >= 3) or (ordinary >= 1 and non_stop >= 4)
        if specific:
            # one typo in a long name ("Ocean Maritime Managment"), else word for word
            kind: FormKind = "typo" if len("".join(folded)) >= TYPO_MIN_CHARS else "exact"
            forms += [make(kind, toks, extra, THRESHOLD_GOOD)
                      for toks, extra in _joined_variants(raw_tokens)]
        return forms
    distinctive = [f for f, c in zip(folded, classes) if c in ("name", "ordinary")]
    if distinctive and all(map(_is_weak, distinctive)):
        # Made only of common words, first names and places ("Hassan", "The Sentinels",
        # "THE ASIAN TIGERS", "Hong Kong Electronics"): a short one counts only beside another
        # name of the same entry, a longer one only word for word or with one typo.
        if non_stop <= 2:
            return forms + [make("exact", raw_tokens, (NEEDS_SUPPORT,))]
        return forms + [make("typo", toks, extra, THRESHOLD_GOOD)
                        for toks, extra in _joined_variants(raw_tokens)]
    if len(names) == 1 and non_stop == 1:
        # One real word plus articles ("SHABAAB", "THE HOUTHIS", "Al Qa'ida"), measured as
        # written (folding shortens "SHABAAB" to "shabab").
        size = len(_plain(raw_tokens[classes.index("name")]))
        if size < MIN_SINGLE_TOKEN_CHARS:
            return forms
        if size < 7:
            return forms + [make("exact", raw_tokens)]
    if quality == "low":
        threshold = THRESHOLD_LOW
    elif quality == "unknown":
        threshold = THRESHOLD_UNKNOWN
    else:
        threshold = THRESHOLD_GOOD
    forms += [make("fuzzy", toks, extra, threshold)
              for toks, extra in _joined_variants(raw_tokens)]
    if entry.type == "individual" and n >= 2:
        rotated = raw_tokens[1:] + raw_tokens[:1]
        forms.append(make("fuzzy", rotated, ("word-order",), threshold))
    return forms


def _joined_variants(tokens: list[str]) -> list[tuple[list[str], tuple[str, ...]]]:
    """The tokens as listed, then with each adjacent pair of names written as one word
    ("Kim Jongsik", "Alhouthi", "Chonma San")."""
    variants: list[tuple[list[str], tuple[str, ...]]] = [(tokens, ())]
    for i in range(len(tokens) - 1):
        if {_token_class(_fold(tokens[i])), _token_class(_fold(tokens[i + 1]))} & {
                "generic", "legal", "number"}:
            continue  # nobody writes "TradingCompany"; "Alhouthi" and "Wonho" happen
        joined = tokens[:i] + [tokens[i] + tokens[i + 1]] + tokens[i + 2:]
        variants.append((joined, ("joined",)))
    return variants


def _korean_orders(tokens: list[str]) -> list[tuple[list[str], tuple[str, ...]]]:
    """Family name first (as the UN lists it) and last (Western order), each with the given
    name split or written as one word."""
    family, given = tokens[0], tokens[1:]
    shapes: list[tuple[list[str], tuple[str, ...]]] = [(given, ())]
    if len(given) > 1:
        shapes.append((["".join(given)], ("joined",)))
    orders: list[tuple[list[str], tuple[str, ...]]] = []
    for g, extra in shapes:
        orders.append(([family] + g, extra))
        orders.append((g + [family], extra + ("word-order",)))
    return orders


def _make_form(index: int, alias: str, raw_tokens: tuple[str, ...], quality: AliasQuality,
               kind: FormKind, steps: tuple[str, ...], script: bool,
               threshold: float = 100.0) -> _Form:
    folded = tuple(_fold(t) for t in raw_tokens)
    return _Form(entry=index, alias=alias, quality=quality, kind=kind, folded=folded,
                 keys=tuple(_key(f) for f in folded), raw_tokens=raw_tokens,
                 threshold=threshold, steps=steps, original_script=script)


# --------------------------------------------------------------------------- the matcher


@dataclass(frozen=True, slots=True)
class _Candidate:
    form: int
    first: int  # token index, inclusive
    last: int  # token index, inclusive
    score: float
    steps: tuple[str, ...]


_PLUS_ONE = (1).__add__
_FIRST_LETTERS = itemgetter(slice(0, BLOCK_PREFIX_CHARS))
_WHERE_IT_ENDS = itemgetter(0)
_T = TypeVar("_T")


def _shared(pool: dict[object, object], value: _T) -> _T:
    """`value`, or an equal one met before: compiled structures keep one copy of each
    (a pickle keeps the sharing)."""
    return cast("_T", pool.setdefault(value, value))

# What the automaton holds for a word: its length; the forms it spells out whole
# (phrases); the forms it blocks with no companion needed; companion key -> forms it blocks
# beside it (None: none), each (form, position of the blocking key in the form)
_Posting = tuple[int, tuple[int, ...], tuple[tuple[int, int], ...],
                 dict[str, tuple[tuple[int, int], ...]] | None]


def _postings(length: int, phrases: Iterable[int], always: Iterable[tuple[int, int]],
              by_companion: dict[str, list[tuple[int, int]]] | None,
              shared: dict[object, object]) -> _Posting:
    return (length, tuple(phrases), tuple(always), {
        k: _shared(shared, tuple(v)) for k, v in by_companion.items()} if by_companion else None)


class _KeyCodes(NamedTuple):
    """The listed names' keys as the automaton reads them: each key a short code (one to three
    letters, the most frequent keys the shortest), so a name of three words is about ten
    characters deep in the automaton, not twenty, and a document's keys are read in fewer
    steps. A document's tokens are written in the same code, a key no name has as "?", a
    break as "|"; first letters of long keys are looked up per token instead."""

    codes: dict[str, str]  # key -> its code
    automaton: ahocorasick.Automaton  # " code code ... " -> _Posting
    prefixes: dict[str, _Posting]  # first BLOCK_PREFIX_CHARS letters of a key -> postings


# (not " ", "|" or "?"; few letters, as the automaton looks through a node's children in turn)
_CODE_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_NO_CODE = "?"


def _key_codes(forms: Iterable[_Form]) -> dict[str, str]:
    """A code for each key of the forms, the shortest for the keys most forms have."""
    counts = Counter(key for form in forms for key in form.keys)
    codes = chain.from_iterable(map("".join, product(_CODE_LETTERS, repeat=size))
                                for size in count(1))
    return dict(zip(sorted(counts, key=lambda key: (-counts[key], key)), codes))


class ListMatcher:
    """Finds listed parties in text. Compile once per rule set; `find` is then read-only, so
    one matcher can serve many documents and be pickled into worker processes."""

    def __init__(self, entries: tuple[ListEntry, ...], list_names: tuple[str, ...],
                 forms: tuple[_Form, ...], keyed: _KeyCodes,
                 vessel_imo: dict[str, tuple[int, ...]],
                 company_imo: dict[str, tuple[int, ...]], reach: int,
                 anchors: _Anchoring) -> None:
        self._entries = entries
        self._list_names = list_names
        self._forms = forms
        self._keyed = keyed
        self._vessel_imo = vessel_imo
        self._company_imo = company_imo
        self._reach = reach  # how far from a blocking token its companions can be
        self._anchoring = anchors
        # word not in lower case -> its keys, and, if it anchors a name, what it needs beside
        # it (see _anchors); filled as documents are read, bounded like the other word caches
        self._word_keys: dict[str, tuple[str, ...]] = {}
        self._word_needs: dict[str, frozenset[str]] = {}
        # word -> characters of the longest alias it anchors: how far a window reaches
        self._word_reach: dict[str, int] = {}
        # per form, the shortest and longest window it can be found in (see _length_range):
        # a window whose length alone keeps its score below the threshold is never scored
        ranges = [_length_range(form) for form in forms]
        self._fewest = array("H", [r[0] for r in ranges])
        self._most = array("H", [r[1] for r in ranges])

    @property
    def aliases(self) -> int:
        """How many matchable spellings were compiled (for benchmarks and reports)."""
        return len(self._forms)

    @classmethod
    def compile(cls, lists: list[SanctionsList]) -> ListMatcher:
        entries: list[ListEntry] = []
        list_names: list[str] = []
        for lst in lists:
            for entry in lst.entries:
                entries.append(entry)
                list_names.append(lst.name)

        forms: list[_Form] = []
        for index, entry in enumerate(entries):
            forms.extend(_forms_for(index, entry))
        forms = _dedupe(forms)

        # How many entries use each key as a name token: an alias is blocked on its rarest.
        entry_df: dict[str, set[int]] = defaultdict(set)
        for form in forms:
            for folded, key in zip(form.folded, form.keys):
                if _is_distinctive(folded):
                    entry_df[key].add(form.entry)
        forms = _without_common_names(forms, entry_df)
        steps: dict[object, object] = {}  # a few dozen distinct tuples among 10^4 forms
        forms = [form._replace(steps=_shared(steps, form.steps)) for form in forms]
        # (before the automaton: the memory its working sets took is then the automaton's)
        anchors = _anchoring(forms, entry_df)

        # Each key is a short code to the automaton (see _KeyCodes): word -> forms it spells
        # out whole. Blocking key -> companion key -> (form, position of the key in the form):
        # a form is a candidate only when its rare token and one of its other words are both
        # near in the text, so a common word shared by thousands of aliases costs a few dict
        # look-ups per occurrence instead of thousands of comparisons.
        codes = _key_codes(forms)
        phrases: dict[str, list[int]] = defaultdict(list)
        always: dict[str, list[tuple[int, int]]] = defaultdict(list)
        blocks: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list))
        # the same for the first letters of long blocking keys, looked up per token
        prefix_always: dict[str, list[tuple[int, int]]] = defaultdict(list)
        prefix_blocks: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list))
        longest = 1
        for form_id, form in enumerate(forms):
            phrases[" " + " ".join(map(codes.__getitem__, form.keys)) + " "].append(form_id)
            if form.kind not in _SCORED:
                continue
            longest = max(longest, len(form.keys))
            positions = [i for i, f in enumerate(form.folded) if _token_class(f) == "name"]
            if not positions:  # a name of ordinary words ("Ocean Maritime Management")
                positions = [i for i, f in enumerate(form.folded)
                             if _token_class(f) == "ordinary"]
            positions.sort(key=lambda i: (len(entry_df[form.keys[i]]), -len(form.keys[i])))
            # The rarest token always blocks; the next one too when it is rare itself, so a
            # misspelt rare token still leaves a way in.
            chosen = positions[:1] + [
                i for i in positions[1:BLOCKING_TOKENS]
                if len(entry_df[form.keys[i]]) <= SECOND_BLOCK_MAX_ENTRIES]
            for i in chosen:
                companions = {k for j, (f, k) in enumerate(zip(form.folded, form.keys))
                              if j != i and k != form.keys[i] and _token_class(f) != "stop"}
                key = form.keys[i]
                posting = (form_id, i)  # one tuple in every list that holds it
                word = f" {codes[key]} "  # padded, as the document's codes are
                if not companions:
                    always[word].append(posting)
                for companion in companions:
                    blocks[word][companion].append(posting)
                # A long key also blocks by its first letters, so another ending ("Zubayr"
                # for "Zubair") still finds the alias; a prefix is weak, so only another real
                # name nearby makes such a hit a candidate.
                if len(key) >= BLOCK_PREFIX_MIN_CHARS:
                    prefix = key[:BLOCK_PREFIX_CHARS]
                    others = [k for j, (f, k) in enumerate(zip(form.folded, form.keys))
                              if j != i and k != key and _is_distinctive(f)]
                    for k in others:
                        prefix_blocks[prefix][k].append(posting)
                    if not others and len(form.keys) == 1:
                        # a one-word name ("Ansarallah" / "Ansarullah") has no companion
                        prefix_always[prefix].append(posting)

        automaton = ahocorasick.Automaton()
        # Many companion lists repeat (a form's blocking key beside each of its other words):
        # equal ones are kept once. The lists are let go of as the automaton takes them, so
        # the two are never both held whole.
        shared: dict[object, object] = {}
        for word in set(phrases) | set(always) | set(blocks):
            automaton.add_word(word, _postings(len(word), phrases.pop(word, ()),
                                               always.pop(word, ()), blocks.pop(word, None),
                                               shared))
        if len(automaton) == 0:
            automaton.add_word(" \x00 ", (3, (), (), None))  # an automaton needs one word
        automaton.make_automaton()
        prefixes = {prefix: _postings(BLOCK_PREFIX_CHARS, (), prefix_always.pop(prefix, ()),
                                      prefix_blocks.pop(prefix, None), shared)
                    for prefix in set(prefix_always) | set(prefix_blocks)}

        vessel_imo: dict[str, list[int]] = defaultdict(list)
        company_imo: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(entries):
            for number in entry.imo if entry.type == "vessel" else ():
                vessel_imo[number].append(index)
            # A company number identifies the owner, never a ship: it only finds the company.
            for number in entry.company_imo:
                company_imo[number].append(index)
        return cls(tuple(entries), tuple(list_names), tuple(forms),
                   _KeyCodes(codes, automaton, prefixes),
                   {k: tuple(v) for k, v in vessel_imo.items()},
                   {k: tuple(v) for k, v in company_imo.items()}, longest + 1, anchors)

    # ------------------------------------------------------------------ per document

    def find(self, text: str, within: list[tuple[int, int]] | None = None,
             lowered: str | None = None) -> list[ListedMatch]:
        """Every listed party named in `text` (with `within`, in those stretches of it), in
        text order, overlaps resolved.

        A name is looked for only around an anchor: a word that is not written in lower case
        and is (or, for a long one, begins like) a word that tells a listed name apart. Most
        articles have none, and then the text is never tokenized; otherwise only the stretch
        of text around each anchor is read, and a match must hold an anchor.
        """
        matches: list[ListedMatch] = []
        anchors = self._anchors(text, within)
        anchor_starts = [a[0] for a in anchors]  # in text order: found by bisection per window
        for lo, hi in self._windows(text, anchors):
            first = bisect_left(anchor_starts, lo)
            inside = [(s, e) for s, e, _reach in anchors[first:bisect_left(anchor_starts, hi)]]
            matches.extend(m for m in self._find_in(text, lo, hi)
                           if any(s < m.end and m.start < e for s, e in inside))
        # `lowered`: the caller's lower-cased copy of `text` (`lexicon.fold` will do: it
        # lower-cases every letter the word is written with)
        if (self._vessel_imo or self._company_imo) and "imo" in (
                text.lower() if lowered is None else lowered):
            imo = self._imo_matches(text)
            matches.extend(imo if within is None else [
                m for m in imo if starting_in([(m.start, m.end)], within)])
        if matches and any(NEEDS_SUPPORT in m.steps for m in matches):
            # a weak alias ("Hassan", "The Sentinels") names the entry only beside another of
            # its names or its IMO number in the same text
            supported = {m.ref for m in matches if NEEDS_SUPPORT not in m.steps}
            matches = [m for m in matches if NEEDS_SUPPORT not in m.steps or m.ref in supported]
        matches.sort(key=lambda m: (m.start, -m.end, m.ref))
        return matches

    def _find_in(self, text: str, lo: int, hi: int) -> list[ListedMatch]:
        window = text[lo:hi] if lo or hi < len(text) else text
        doc = _scan(window)
        if not doc.words:
            return []
        return self._resolve(window, doc, self._candidates(doc), lo)

    def _anchors(self, text: str, within: list[tuple[int, int]] | None = None
                 ) -> list[tuple[int, int, int]]:
        """Where the anchor words of `text` (of its stretches `within`) are, in text order,
        with the length of the longest alias each anchors: words not written in lower case
        whose key (or first letters) anchors a name, beside the other word it needs."""
        words_in = None
        beyond = () if text.isascii() else [
            ch for ch in _beyond_ascii(text) if ch.isalnum()]
        if not beyond:
            pattern: re.Pattern[str] | regex.Pattern[str] = _CAPITALISED
        elif all(map(_same_class, beyond)):
            pattern = _CAPITALISED_ANY
        else:  # Chinese or Japanese script: each ideograph is a word
            pattern = words_in = _TOKEN
        if within is None:
            found = set(pattern.findall(text))
        else:
            found = set()
            for lo, hi in within:
                found.update(pattern.findall(text, lo, hi))
        keys_of, needs_of = self._word_keys, self._word_needs
        unknown = found.difference(keys_of)
        if unknown:
            for word in unknown:
                self._learn(word)
        # (set.intersection with a dict would walk the whole dict: it only grows)
        anchoring = [w for w in found if w in needs_of]
        if not anchoring:
            return []
        # keys of every word written with a capital ("Jong-un" counts as capitalised throughout)
        keys = set().union(*map(keys_of.__getitem__, found))
        words = [w for w in anchoring if not needs_of[w] or not needs_of[w].isdisjoint(keys)]
        if not words:
            return []
        if words_in is not None:
            chosen = set(words)
            spans = [m.span() for m in words_in.finditer(text) if m.group() in chosen]
        else:
            spans = _word_spans(text, words)
            words_in = pattern
        if within is not None:
            spans = starting_in(spans, within)
        # The word it needs must be near enough to belong to the same name, not anywhere in
        # the article ("June" and a firm's "Import" three paragraphs on).
        kept = []
        for s, e in spans:
            word = text[s:e]
            reach = self._word_reach[word]
            if not needs_of[word] or not needs_of[word].isdisjoint(
                    self._keys_near(words_in, text, s - reach, e + reach)):
                kept.append((s, e, reach))
        return kept

    def _keys_near(self, words: regex.Pattern[str] | re.Pattern[str], text: str, lo: int,
                   hi: int) -> set[str]:
        keys: set[str] = set()
        for word in words.findall(text, max(0, lo), hi):
            if word not in self._word_keys:
                self._learn(word)
            keys.update(self._word_keys.get(word, ()))
        return keys

    def _learn(self, word: str) -> None:
        """Note the keys of a word not written in lower case and, when any of them anchors a
        name, what each anchoring key needs beside it (see _anchoring)."""
        if len(self._word_keys) >= _CACHE_MAX:
            self._word_keys.clear()
            self._word_needs.clear()
            self._word_reach.clear()
        keys: tuple[str, ...] = ()
        if not word[:1].islower():
            parts = _HYPHENS.split(word) if "-" in word or "‐" in word or "‑" in word else [word]
            keys = tuple(filter(None, ((_WORD_INFO.get(p) or _word_info(p)).key
                                       for p in parts if p)))
        needs = []
        reach = 0
        anchoring = self._anchoring
        for key in keys:
            if key in anchoring.needs:
                needs.append(anchoring.needs[key])
                reach = max(reach, anchoring.reach[key])
            prefix = key[:BLOCK_PREFIX_CHARS]
            if len(prefix) == BLOCK_PREFIX_CHARS and prefix in anchoring.prefix_needs:
                needs.append(anchoring.prefix_needs[prefix])
                reach = max(reach, anchoring.prefix_reach[prefix])
        self._word_keys[word] = keys
        if needs:
            self._word_reach[word] = reach
            # one of the needed keys is enough, and a word that needs none needs nothing
            self._word_needs[word] = frozenset().union(*needs) if all(needs) else frozenset()

    def _windows(self, text: str, anchors: list[tuple[int, int, int]]
                 ) -> list[tuple[int, int]]:
        """The stretches of text to read around the anchors: room on each side for the
        longest alias the anchor stands in, a word more (a fuzzy window) and a vessel word
        before it; merged where they meet, widened to whitespace so no word is cut."""
        merged: list[list[int]] = []
        for start, end, reach in anchors:
            lo = max(0, start - reach - _WINDOW_MARGIN)
            hi = min(len(text), end + reach + _WINDOW_MARGIN)
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        windows = []
        for lo, hi in merged:
            if lo:
                lo = max(text.rfind(" ", 0, lo), text.rfind("\n", 0, lo)) + 1
            gap = _WHITESPACE.search(text, hi)
            windows.append((lo, gap.start() if gap else len(text)))
        return windows

    def _candidates(self, doc: _Doc) -> list[_Candidate]:
        tokens, brks = doc.words, doc.brks
        found: list[_Candidate] = []
        tried: set[tuple[int, int, int]] = set()
        hits, whole_token_hits = self._hits(doc)
        # Whole aliases first: where an entry is already named word for word, fuzzy windows of
        # the same entry around it cannot do better, so they are not tried.
        exact: set[tuple[int, int]] = set()  # (entry, token index)
        for first, _prefix, (_, phrase_forms, _always, _companions) in hits:
            for form_id in phrase_forms:
                form = self._forms[form_id]
                last = first + len(form.keys) - 1
                tried.add((form_id, first, len(form.keys)))
                candidate = self._check_exact(form_id, form, tokens, brks, first, last)
                if candidate is not None:
                    found.append(candidate)
                    if candidate.score == 100:
                        exact.update((form.entry, i) for i in range(first, last + 1))
        pair_keys: list[str] = []  # keys of adjacent tokens written as one, on first need
        window_keys: set[str] | None = None  # the keys and the pairs' keys, on first need
        letters: list[int] = []  # letters of the folded tokens before each, on first need
        for first, prefix, (_, _phrases, always, by_companion) in hits:
            if tokens[first].raw[:1].islower():
                # A blocking word is the rarest word of its alias, the one that anchors it
                # (see _anchoring): written in lower case it anchors nothing.
                continue
            if prefix and (first in whole_token_hits or not tokens[first].raw[:1].isupper()):
                # A prefix hit is a fallback for a capitalised token that blocks nothing as a
                # whole ("Zubayr"): a token that does adds only look-alike neighbours of the
                # names it found.
                continue
            postings = list(always)
            if by_companion:
                if window_keys is None:
                    pair_keys = list(map(add, doc.keys, doc.keys[1:]))
                    window_keys = set(doc.keys).union(pair_keys)
                # (most blocking words have no companion anywhere in the window: one set
                # check says so before the tokens around the hit are looked at)
                if not by_companion.keys().isdisjoint(window_keys):
                    self._add_companions(postings, by_companion, first, doc.keys, pair_keys)
            if not postings:
                continue
            if not letters:
                letters = list(accumulate(map(len, map(_FOLDED_OF, tokens)), initial=0))
            self._try_postings(postings, first, tokens, brks, letters, exact, tried, found)
        return found

    def _try_postings(self, postings: list[tuple[int, int]], first: int, tokens: list[_Word],
                      brks: list[bool], letters: list[int], exact: set[tuple[int, int]],
                      tried: set[tuple[int, int, int]], found: list[_Candidate]) -> None:
        """Try the windows of each form blocked at token `first`, unless its entry is named
        word for word there, or no window around the hit could hold it.

        Forms of the same number of tokens blocked at the same position share their windows,
        and every window lies in the same stretch of text, which must hold each name word of
        the form (see _distinctive_tokens_present): that rules out nearly every form, once a
        stretch's pieces are known, in a few set look-ups."""
        stretches: dict[tuple[int, int], _Pieces] = {}
        for form_id, position in postings:
            form = self._forms[form_id]
            if (form.entry, first) in exact:
                continue
            n = len(form.keys)
            pieces = stretches.get((n, position))
            if pieces is None:
                # windows start at most one token before the form would, end one after
                pieces = stretches[n, position] = _pieces(
                    tokens[max(0, first - position - 1):first - position + n + 2])
            if _distinctive_tokens_present(form, pieces):
                self._try_windows(form_id, position, first, tokens, brks, letters, tried,
                                  found)

    def _hits(self, doc: _Doc) -> tuple[list[tuple[int, bool, _Posting]], set[int]]:
        """The hits on the tokens' keys, in the order of where they end, as (index of their
        first token, whether only the first letters of a capitalised token matched, what is
        held for the matched word), and the tokens that block a fuzzy form as whole tokens."""
        tokens, keys, breaks = doc.words, doc.keys, doc.breaks
        keyed_codes = self._keyed
        # Codes joined by spaces, with "|" at clause breaks so no phrase runs across one.
        parts = list(map(keyed_codes.codes.get, keys, repeat(_NO_CODE)))
        for i in breaks:
            parts[i] = "| " + parts[i]
        keyed = " " + " ".join(parts) + " "
        # offset of the space before each token's code -> token index
        offsets = list(accumulate(map(_PLUS_ONE, map(len, parts)), initial=0))
        for i in breaks:
            offsets[i] += 2
        token_at = dict(zip(offsets, range(len(parts))))
        found = []  # (where the hit ends, ...)
        whole_token_hits: set[int] = set()
        for end, value in keyed_codes.automaton.iter(keyed):
            first = token_at[end - value[0] + 1]
            found.append((end, first, False, value))
            if value[2] or value[3]:
                whole_token_hits.add(first)
        prefixes = keyed_codes.prefixes
        has_prefix = map(prefixes.__contains__, map(_FIRST_LETTERS, keys))
        for i in compress(range(len(keys)), has_prefix):
            if tokens[i].raw[:1].isupper():  # see the prefix rule in _candidates
                # ends inside the token: after the words ending on the one before, before
                # those ending on it
                found.append((offsets[i] + 1, i, True, prefixes[keys[i][:BLOCK_PREFIX_CHARS]]))
        found.sort(key=_WHERE_IT_ENDS)
        return [(first, prefix, value) for _, first, prefix, value in found], whole_token_hits

    def _add_companions(self, postings: list[tuple[int, int]],
                        by_companion: dict[str, tuple[tuple[int, int], ...]], first: int,
                        keys: list[str], pair_keys: list[str]) -> None:
        """Add to `postings` the forms blocked at token `first` that have one of their other
        words among the tokens around it, or among adjacent pairs of them written as one."""
        low = max(0, first - self._reach)
        high = min(len(keys), first + self._reach + 1)
        # Most hits have no companion near them at all: two C-level set checks say so
        # before the loop below looks up every neighbour.
        companions = by_companion.keys()
        if companions.isdisjoint(keys[low:high]) and companions.isdisjoint(
                pair_keys[low:high - 1]):
            return
        for j in range(low, high):
            if j != first:
                postings.extend(by_companion.get(keys[j], ()))
            if j + 1 < high:
                postings.extend(by_companion.get(pair_keys[j], ()))

    def _try_windows(self, form_id: int, position: int, first: int, tokens: list[_Word],
                     brks: list[bool], letters: list[int], tried: set[tuple[int, int, int]],
                     found: list[_Candidate]) -> None:
        """Score the windows around a blocking hit: the alias's length, one token less (two
        words written as one) or one more (a name split in two, a nickname inside).
        `letters[i]`: the letters of the folded tokens before token i."""
        form = self._forms[form_id]
        n = len(form.keys)
        # Most windows are too long or too short for any score to reach the threshold: a
        # window's length, from `letters`, says so before anything is joined or scored.
        fewest, most = self._fewest[form_id], self._most[form_id]
        spaced = form.kind != "typo"
        count = len(tokens)
        for offset, size in _window_shapes(n, position):
            start = first + offset
            stop = start + size - 1
            if start < 0 or stop >= count:
                continue
            length = letters[stop + 1] - letters[start] + (size - 1 if spaced else 0)
            if not fewest <= length <= most and not (
                    size == n + 1 and form.quality != "low"
                    and _skipping_may_fit(tokens, start, stop, length, fewest, most, spaced)):
                continue
            if (form_id, start, size) in tried or _crosses_break(brks, start, stop):
                continue
            tried.add((form_id, start, size))
            candidate = self._score_window(form_id, form, tokens, start, stop)
            if candidate is not None:
                found.append(candidate)

    def _check_exact(self, form_id: int, form: _Form, tokens: list[_Word], brks: list[bool],
                     first: int, last: int) -> _Candidate | None:
        """A whole alias was found by its keys; check what the match kind demands."""
        if form.kind in _SCORED:
            return self._score_window(form_id, form, tokens, first, last)
        window = tokens[first:last + 1]
        steps = list(form.steps)
        if form.original_script and not any(
                ch.isalpha() and not ch.isascii() for t in window for ch in t.raw):
            return None
        if form.kind == "acronym":
            if tuple(t.raw for t in window) != form.raw_tokens:
                return None
        elif form.kind == "vessel":
            cue = self._vessel_cue(tokens, brks, first, last)
            if cue is None:
                return None
            steps.append(cue)
        if tuple(_plain(t.raw) for t in window) != tuple(_plain(r) for r in form.raw_tokens):
            steps.append("romanisation")
        return _Candidate(form_id, first, last, 100.0, tuple(steps))

    def _vessel_cue(self, tokens: list[_Word], brks: list[bool], first: int,
                    last: int) -> str | None:
        """Vessel names are often ordinary words ("Koti", "Hua Fu"): take one only when it is
        written in capitals, follows a vessel word ("the tanker ..."), or carries a hull
        number after two or more words ("Sam Jong 2")."""
        window = tokens[first:last + 1]
        if all(t.raw.isupper() or t.raw.isdigit() for t in window) and any(
                t.raw.isalpha() for t in window):
            return "upper-case"
        for i in range(first - 1, max(-1, first - 5), -1):
            if tokens[i].folded in _VESSEL_CUES:
                return "vessel-cue"
            if brks[i]:
                break
        if len(window) >= 3 and window[-1].raw.isdigit():
            return "hull-number"
        return None

    def _score_window(self, form_id: int, form: _Form, tokens: list[_Word], first: int,
                      last: int) -> _Candidate | None:
        window = tokens[first:last + 1]
        steps = list(form.steps)
        if len(window) > len(form.keys):
            # A longer window may hold the alias split in two ("Abdul Malik") or with a word
            # inside it ("Jimmy 'Barbecue' Cherizier"), never the alias plus a neighbour.
            if not (_accounted(window[0], window[1], form)
                    and _accounted(window[-1], window[-2], form)):
                return None
        score = self._similarity(form, window)
        if score is None and len(window) == len(form.keys) + 1 and form.quality != "low":
            for skip in range(1, len(window) - 1):
                if not window[skip].raw[:1].isupper():
                    continue  # only a name-like word ("Barbecue"), never "said" or "and"
                score = self._similarity(form, window[:skip] + window[skip + 1:])
                if score is not None:
                    steps.append("word-skipped")
                    break
        if score is None or not _distinctive_tokens_present(form, _pieces(window)):
            return None
        if score < 100:
            steps.append("fuzzy")
        if len(window) == len(form.keys) and score == 100 and tuple(
                _plain(t.raw) for t in window) != tuple(_plain(r) for r in form.raw_tokens):
            steps.append("romanisation")
        return _Candidate(form_id, first, last, float(score), tuple(steps))

    def _similarity(self, form: _Form, window: list[_Word]) -> float | None:
        text_a = " ".join(map(_FOLDED_OF, window))
        text_b = " ".join(form.folded)
        if form.kind == "typo":
            # ordinary words: one edit at most, not a similar-looking other name
            if Levenshtein.distance(text_a.replace(" ", ""), text_b.replace(" ", ""),
                                    score_cutoff=1) > 1:
                return None
            return float(fuzz.ratio(text_a, text_b)) or None
        score = fuzz.ratio(text_a, text_b, score_cutoff=form.threshold)
        if self._entries[form.entry].type == "individual":
            # Names are written in either order ("KIM Yong Chol" / "Yong Chol Kim").
            score = max(score, fuzz.token_sort_ratio(text_a, text_b,
                                                     score_cutoff=form.threshold))
        return float(score) if score else None

    def _resolve(self, text: str, doc: _Doc, candidates: list[_Candidate],
                 base: int = 0) -> list[ListedMatch]:
        """The matches among `candidates`, `text` being the document from offset `base`."""
        if not candidates:
            return []
        tokens, brks, starts = doc.words, doc.brks, doc.token_starts()
        # Best per entry and span first, then the best-scoring, longest spans win overlaps.
        # Equal spans of different entries with equal scores are all kept: the text does not
        # say which of two identically named parties it means.
        best: dict[tuple[int, int, int], _Candidate] = {}
        for cand in candidates:
            slot = (self._forms[cand.form].entry, cand.first, cand.last)
            if slot not in best or _rank(cand, self._forms) < _rank(best[slot], self._forms):
                best[slot] = cand
        # The longest name wins over a name inside it ("Abd al-Khaliq al-Houthi" is the
        # person, not the Houthis), then the best score.
        ordered = sorted(best.values(), key=lambda c: (
            -(starts[c.last] + len(tokens[c.last].raw) - starts[c.first]), -c.score, c.first,
            self._entries[self._forms[c.form].entry].ref))
        taken: list[_Candidate] = []
        # token index -> (first, last, score) of the match holding it; spans are a few tokens,
        # so checking a candidate costs its length, not the number of matches kept so far
        held: dict[int, tuple[int, int, float]] = {}
        for cand in ordered:
            mine = (cand.first, cand.last, cand.score)
            if any(held.get(i, mine) != mine for i in range(cand.first, cand.last + 1)):
                continue
            for i in range(cand.first, cand.last + 1):
                held[i] = mine
            taken.append(cand)
        matches = []
        for cand in taken:
            form = self._forms[cand.form]
            entry = self._entries[form.entry]
            last = cand.last
            steps = cand.steps
            if entry.type == "entity":
                # "Co., Ltd." after a company name belongs to it whether or not the alias lists
                # it: the evidence should show the text's own legal form.
                while (last + 1 < len(tokens) and not brks[last + 1]
                       and _token_class(tokens[last + 1].folded) == "legal"):
                    last += 1
                if last != cand.last:
                    steps = tuple(s for s in steps if s != "legal-form-dropped")
            start, end = starts[cand.first], starts[last] + len(tokens[last].raw)
            matches.append(ListedMatch(
                start=base + start, end=base + end, text=text[start:end], ref=entry.ref,
                primary_name=entry.name, regime=entry.regime, type=entry.type,
                list_name=self._list_names[form.entry], alias=form.alias,
                alias_quality=form.quality, score=round(cand.score, 1),
                threshold=form.threshold, steps=_describe(text[start:end], form, steps),
                listed_on=entry.listed_on, details=_details(entry)))
        return matches

    def _imo_matches(self, text: str) -> list[ListedMatch]:
        matches = []
        for found in _IMO_IN_TEXT.finditer(text):
            number = found.group(1)
            for index in self._vessel_imo.get(number, ()):
                matches.append(self._imo_match(text, found, index, "imo-exact"))
            for index in self._company_imo.get(number, ()):
                matches.append(self._imo_match(text, found, index, "company-imo-exact"))
        return matches

    def _imo_match(self, text: str, found: regex.Match[str], index: int,
                   step: str) -> ListedMatch:
        entry = self._entries[index]
        start, end = found.span()
        return ListedMatch(
            start=start, end=end, text=text[start:end], ref=entry.ref, primary_name=entry.name,
            regime=entry.regime, type=entry.type, list_name=self._list_names[index],
            alias=f"IMO {found.group(1)}", alias_quality="good", score=100.0, threshold=100.0,
            steps=[step], listed_on=entry.listed_on, details=_details(entry))


def _details(entry: ListEntry) -> list[str]:
    return entry.details()


_Needs = dict[str, tuple[str, ...]]


class _Anchoring(NamedTuple):
    needs: _Needs  # key -> keys of which one must be near (empty: none needed)
    prefix_needs: _Needs  # the same for the first letters of long keys
    reach: dict[str, int]  # key -> characters of the longest alias it anchors
    prefix_reach: dict[str, int]  # the same for the first letters of long keys


def _anchoring(forms: Iterable[_Form], entry_df: dict[str, set[int]]) -> _Anchoring:
    """What anchors a search for a name: key of a word (and first letters of a long one) ->
    the keys of which one must also be in the text (none: the word alone is enough).

    A fuzzy alias is anchored where the matcher blocks it: its rarest name words beside one of
    its other words, or their first letters beside another name word. An alias matched word for
    word is anchored by its rarest word (of its name words, or, with none, of its ordinary words,
    or then of its generic words and numbers: "Office 39") beside one of its other words; a
    Korean personal name by any of its syllables beside another."""
    needs: dict[str, set[str]] = defaultdict(set)
    prefix_needs: dict[str, set[str]] = defaultdict(set)
    free: set[str] = set()
    free_prefixes: set[str] = set()
    reach: dict[str, int] = {}
    prefix_reach: dict[str, int] = {}
    for form in forms:
        size = len(" ".join(form.raw_tokens))
        classes = [_token_class(f) for f in form.folded]
        chosen: list[str] = []
        for wanted in (("name",), ("ordinary",), ("generic", "number"), ("legal", "stop")):
            chosen = sorted((k for k, c in zip(form.keys, classes) if c in wanted),
                            key=lambda k: (len(entry_df.get(k, ())), -len(k)))
            if chosen:
                break
        if form.kind in _SCORED:
            chosen = chosen[:1] + [k for k in chosen[1:BLOCKING_TOKENS]
                                   if len(entry_df.get(k, ())) <= SECOND_BLOCK_MAX_ENTRIES]
        elif form.kind == "korean":
            # "Kim Jong-un", "Ri Pyong chol": a syllable may be written in lower case, the
            # family name never is; any syllable anchors, beside another of the name
            chosen = list(form.keys)
        else:
            chosen = chosen[:1]
        for key in chosen:
            others = {k for k, c in zip(form.keys, classes) if k != key and c != "stop"}
            (needs[key].update(others) if others else free.add(key))
            reach[key] = max(reach.get(key, 0), size)
            if form.kind in _SCORED and len(key) >= BLOCK_PREFIX_MIN_CHARS:
                prefix = key[:BLOCK_PREFIX_CHARS]
                names = {k for k, c in zip(form.keys, classes)
                         if k != key and c in ("name", "ordinary")}
                if names:
                    prefix_needs[prefix].update(names)
                elif len(form.keys) == 1:
                    free_prefixes.add(prefix)
                else:
                    continue
                prefix_reach[prefix] = max(prefix_reach.get(prefix, 0), size)
    # (sorted tuples: a tenth of a set's size, and many keys need the same keys, kept once;
    # _learn makes the one set a word needs)
    shared: dict[object, object] = {}
    return _Anchoring(
        {k: _shared(shared, () if k in free else tuple(sorted(needs[k])))
         for k in set(needs) | free},
        {p: _shared(shared, () if p in free_prefixes else tuple(sorted(prefix_needs[p])))
         for p in set(prefix_needs) | free_prefixes},
        reach, prefix_reach)


def _word_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Where each of `words` stands in `text` as a word of its own, or after a hyphen or an
    apostrophe, in text order."""
    spans = []
    size = len(text)
    for word in words:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if (not start or not text[start - 1].isalnum()) and (
                    end == size or not (text[end].isalnum() or text[end] in _WORD_TAIL)):
                spans.append((start, end))
            start = text.find(word, end)
    spans.sort()
    return spans


_WORD_TAIL = frozenset("_'’‘`´‐‑-")


class _Pieces(NamedTuple):
    """The words of a stretch of tokens as a name may use them: each token, and each pair of
    adjacent tokens written as one ("Kim Jongsik")."""

    keys: set[str]
    folded: list[str]


def _pieces(window: list[_Word]) -> _Pieces:
    pairs = list(zip(window, window[1:]))
    return _Pieces({t.key for t in window} | {a.key + b.key for a, b in pairs},
                   [t.folded for t in window] + [a.folded + b.folded for a, b in pairs])


def _distinctive_tokens_present(form: _Form, pieces: _Pieces) -> bool:
    """Every name token of the alias must be in the window (exactly by key, or similar enough,
    or written as one word with its neighbour): a shared surname or legal form is not enough.
    (So it is for every window inside a stretch only if it is for the whole stretch.)"""
    for folded, key in zip(form.folded, form.keys):
        if key in pieces.keys or not _is_distinctive(folded):
            continue
        if len(folded) <= 3 or process.extractOne(
                folded, pieces.folded, scorer=fuzz.ratio,
                score_cutoff=TOKEN_SIMILARITY) is None:
            return False
    return True


@lru_cache(maxsize=1024)
def _window_shapes(n: int, position: int) -> tuple[tuple[int, int], ...]:
    """The windows _try_windows scores for a form of `n` tokens blocked at its token
    `position`, as (first token relative to the blocking hit, tokens), in the order they are
    tried: the form's length, one less, one more, each starting one token before, at, or one
    after where the form would start; only windows that hold the hit."""
    shapes = []
    for size in (n, n - 1, n + 1):
        for offset in (-position - 1, -position, -position + 1):
            if size >= 1 and offset <= 0 <= offset + size - 1:
                shapes.append((offset, size))
    return tuple(shapes)


# rapidfuzz's ratio of strings of lengths a and b is at most 200 * min(a, b) / (a + b) (their
# Indel distance is at least the difference of their lengths); the margin keeps a float
# rounding from ever deciding
_RATIO_MARGIN = 1e-6


def _length_range(form: _Form) -> tuple[int, int]:
    """The lengths a window may have for _similarity to find `form` in it: for a fuzzy form,
    of its folded tokens joined by spaces, for which the ratio bound above can reach the
    threshold; for a "typo" form (one edit at most), of its tokens joined without spaces."""
    letters = sum(map(len, form.folded))
    if form.kind == "typo":
        return max(0, letters - 1), letters + 1
    own = letters + len(form.keys) - 1
    threshold = form.threshold - _RATIO_MARGIN
    # 200 * min(a, own) >= threshold * (a + own), solved for a below and above own
    return ceil(threshold * own / (200 - threshold)), floor(own * (200 - threshold) / threshold)


def _skipping_may_fit(tokens: list[_Word], first: int, last: int, length: int, fewest: int,
                      most: int, spaced: bool) -> bool:
    """Whether the window without one of its inner name-like tokens (_score_window's
    "word-skipped") has a length in fewest..most, `length` being the whole window's."""
    space = 1 if spaced else 0
    return any(fewest <= length - len(tokens[skip].folded) - space <= most
               for skip in range(first + 1, last) if tokens[skip].raw[:1].isupper())


def _crosses_break(brks: list[bool], first: int, last: int) -> bool:
    return True in brks[first + 1:last + 1]


_FOLDED_OF = attrgetter("folded")


def _accounted(token: _Word, inner: _Word, form: _Form) -> bool:
    """Whether a window's edge token belongs to the alias: as a token, as half of a token
    written in two parts, or as a near spelling of one."""
    if token.key in form.keys or token.key + inner.key in form.keys or (
            inner.key + token.key in form.keys):
        return True
    return any(fuzz.ratio(token.folded, f, score_cutoff=TOKEN_SIMILARITY)
               for f in form.folded if len(f) > 3)


def _rank(cand: _Candidate, forms: tuple[_Form, ...]) -> tuple[float, int, int]:
    # Prefer a higher score, then the listed spelling over a derived one, then fewer steps.
    return (-cand.score, len(forms[cand.form].steps), len(cand.steps))


def _describe(matched: str, form: _Form, steps: tuple[str, ...]) -> list[str]:
    """What it took to get from the listed spelling to the text's, in a few words."""
    described: list[str] = []
    if matched != form.alias:
        if matched.casefold() != form.alias.casefold() and anyascii(matched) != matched:
            described.append("transliterated")
        if _case_style(matched) != _case_style(form.alias):
            described.append("case")
        marks = _APOSTROPHES + "-"
        if form.kind != "acronym" and {c for c in matched if c in marks} != {
                c for c in form.alias if c in marks}:
            described.append("hyphen-apostrophe")
    described.extend(s for s in steps if s not in described)
    if matched != form.alias and not described:
        described.append("normalised")
    return described or ["exact"]


def _case_style(text: str) -> str:
    if text.isupper():
        return "upper"
    if text.islower():
        return "lower"
    return "title" if text == text.title() else "mixed"


def _without_common_names(forms: list[_Form], entry_df: dict[str, set[int]]) -> list[_Form]:
    """A person's alias made only of names that many listed people share ("Ahmed Ali",
    "Muhammad Hassan") names thousands of people in the news: with three or more such names it
    must match word for word, with fewer it is not matched at all."""
    kept: list[_Form] = []
    for form in forms:
        if form.kind == "fuzzy":
            names = [k for f, k in zip(form.folded, form.keys) if _is_distinctive(f)]
            if all(len(entry_df[k]) >= COMMON_NAME_ENTRIES for k in names):
                if len(names) < 3 or "joined" in form.steps:
                    continue
                form = form._replace(kind="exact", threshold=100.0)
        kept.append(form)
    return kept


def _dedupe(forms: list[_Form]) -> list[_Form]:
    # One entry reaches the same key sequence through several aliases; keep the spelling the
    # list gives most directly (fewest derivation steps; the primary name first on a tie).
    best: dict[tuple[int, tuple[str, ...], FormKind, tuple[str, ...]], int] = {}
    for i, form in enumerate(forms):
        marker = (form.entry, form.keys, form.kind,
                  form.raw_tokens if form.kind == "acronym" else ())
        if marker not in best or len(form.steps) < len(forms[best[marker]].steps):
            best[marker] = i
    return [forms[i] for i in sorted(best.values())]
