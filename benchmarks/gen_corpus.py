"""Generate a large, realistic-looking benchmark corpus and a synthetic sanctions list.

Everything here is written for the benchmark: sentence templates are our own, names come from
the shipped lexicons, the shipped lists (when there are any) and a synthetic list generated from
a seed. No third-party article text is used. The same seed always gives the same bytes.

    python benchmarks/gen_corpus.py --docs 20000 --seed 7 --out /tmp/corpus.jsonl \
        --list-out /tmp/bench-rules/lists/synthetic.yaml

The corpus is JSON Lines (`id`, `title`, `published`, `text`), one news-like article of 2-5 KB
per line; about 5% of the articles describe a transfer that a sanctions rule may catch.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from sanctionscan.ruleset import default_rules_dir

# --------------------------------------------------------------------------- vocabulary

# Parties that sanctions regimes usually target, preferred as recipients of a transfer.
_TARGET_IDS = ("KP", "HOUTHIS", "AL-SHABAAB", "IR", "LY", "SD-DARFUR-ARMED", "CF-ARMED",
               "CD-ARMED", "HT-GANGS", "ISIL", "AL-QAIDA", "TALIBAN", "SO")
_SUPPLIER_IDS = ("RU", "CN", "IR", "AE", "TR", "MY", "SG", "HK", "BY", "KP")

# Filler: what most news is about. {p} party, {q} second party, {g} goods word, {n} number,
# {m} month, {y} year, {who} a named person, {org} an organisation, {city} a place.
_FILLER = [
    "Officials in {city} said on {weekday} that talks with {p} would resume next {m}.",
    "The ministry did not respond to a request for comment on {weekday}.",
    "Analysts said the decision reflected growing pressure on the government ahead of the "
    "{y} elections.",
    "{who}, a spokesperson for {org}, told reporters that the figures were preliminary.",
    "Prices of {g} rose by {n} percent in the third quarter, according to industry data.",
    "The central bank left interest rates unchanged at {n} percent, citing weak demand.",
    "Diplomats from {p} and {q} met in {city} to discuss regional security.",
    "The report, published in {m} {y}, covers the period since the last review.",
    "Local media reported heavy rain across the region, with several roads closed.",
    "Opposition lawmakers called for an inquiry into the handling of the budget.",
    "The company said its quarterly revenue reached {n} million dollars.",
    "Satellite images reviewed by researchers showed new construction near the port.",
    "{who} said the agreement would be signed once both parliaments approved it.",
    "The foreign minister of {p} is expected to visit {city} later this month.",
    "A delegation from {org} arrived on {weekday} for a three-day visit.",
    "Trade between {p} and {q} fell by {n} percent last year, customs figures show.",
    "The summit ended without a joint statement, officials said.",
    "Police said {n} people were detained after protests in the capital.",
    "The project, estimated to cost {n} million dollars, has been delayed twice.",
    "Experts warned that the drought could affect harvests for a second year.",
    "The shipping company declined to comment on the route of its vessels.",
    "{org} said in a statement that it was monitoring the situation closely.",
    "Officials from {p} have denied any wrongdoing in the past.",
    "The United Nations Security Council is due to discuss the matter in {m}.",
    "Markets in {city} closed higher on {weekday}, led by technology shares.",
    "According to the statement, the exercise involved {n} aircraft and several ships.",
    "The newspaper said it had seen a copy of the draft resolution.",
    "Authorities in {city} opened an investigation into the incident on {weekday}.",
    "The government of {p} said the new rules would take effect on {d} {m}.",
    "Human rights groups criticised the verdict as politically motivated.",
    "{who} of {org} said the measures were a response to the economic crisis.",
    "The two leaders discussed energy, trade and the situation on the peninsula.",
    "A panel of experts is due to submit its final report to the committee in {m}.",
    "Imports of {g} have been falling since {y}, the statistics office said.",
    "The convoy was seen on the highway near {city} on {d} {m}, witnesses said.",
    "Ships registered in {p} were among those inspected at the port last year.",
    "The defence ministry of {p} released photographs of the ceremony.",
    "Economists expect growth of about {n} percent next year.",
    "The airline resumed flights between {city} and the capital after a long pause.",
    "Negotiators said several issues remained open, including tariffs on {g}.",
]

# Transfers: {s} supplier, {r} recipient, {g} goods, {v} past-tense transfer verb,
# {a} past-tense acquire verb.
_TRANSFER = [
    "{s} {v} {n} {g} to {r} in {m} {y}, according to the panel of experts.",
    "Officials said {s} had {v} {g} to {r} despite the sanctions.",
    "{r} {a} {g} from {s} last {m}, customs records reviewed by the agency show.",
    "A vessel carrying {g} from {s} to {r} was tracked in international waters.",
    "The panel found that {s} {v} {g} to {r} through a network of front companies.",
    "{listed} {v} {g} to {r}, the report said.",
]

_PLACES = ["Geneva", "Vienna", "Brussels", "Nairobi", "Jakarta", "Lagos", "Lima", "Oslo",
           "Manila", "Hanoi", "Warsaw", "Dakar", "Quito", "Tbilisi", "Muscat", "Accra"]
_FIRST = ["Anna", "David", "Maria", "James", "Leila", "Tomas", "Grace", "Omar", "Sofia",
          "Daniel", "Yuki", "Peter", "Amina", "Lucas", "Elena", "Samuel"]
_LAST = ["Meyer", "Okafor", "Lindqvist", "Santos", "Novak", "Haddad", "Tanaka", "Brennan",
         "Moreau", "Kowalski", "Adeyemi", "Fischer", "Rossi", "Varga", "Nilsen", "Cruz"]
_ORGS = ["the Institute for Regional Studies", "the Chamber of Commerce",
         "the Maritime Safety Agency", "the World Food Programme", "the statistics office",
         "the Port Authority", "the Energy Council", "the Trade Observatory"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass(frozen=True)
class Vocabulary:
    goods: list[str]
    parties: dict[str, list[str]]  # party id -> names usable in a sentence
    transfer_verbs: list[str]
    acquire_verbs: list[str]
    listed: list[str]  # names from sanctions lists

    @classmethod
    def from_rules(cls, rules_dir: Path, extra_listed: list[str]) -> Vocabulary:
        lex = rules_dir / "lexicon"
        goods_doc = yaml.safe_load((lex / "goods.yaml").read_text(encoding="utf-8"))
        parties_doc = yaml.safe_load((lex / "parties.yaml").read_text(encoding="utf-8"))
        actions_doc = yaml.safe_load((lex / "actions.yaml").read_text(encoding="utf-8"))
        goods = sorted({t for e in goods_doc["goods"] if not e.get("ignore")
                        for t in e["terms"] if " " not in t or len(t) < 25})
        parties: dict[str, list[str]] = {}
        for p in parties_doc["parties"]:
            if p.get("kind") == "lookalike":
                continue
            names = list(p.get("names", []))[:4] + list(p.get("metonyms", []))[:3]
            if names:
                parties[p["id"]] = names
        transfer, acquire = [], []
        for a in actions_doc["actions"]:
            past = _past(a["forms"])
            if a["kind"] == "transfer":
                transfer.append(past)
            elif a["kind"] == "acquire":
                acquire.append(past)
        listed = list(extra_listed)
        for path in sorted((rules_dir / "lists").glob("*.yaml")):
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for entry in doc.get("entries", []):
                listed.append(entry["name"])
        return cls(goods, parties, transfer or ["delivered"], acquire or ["imported"], listed)


def _past(forms: list[str]) -> str:
    edd = [f for f in forms if f.endswith("ed") and " " not in f]
    if edd:
        return edd[0]
    return forms[min(2, len(forms) - 1)]


# --------------------------------------------------------------------------- synthetic list

# Name parts. Real lists of this size hold thousands of distinct name words, so words are built
# from syllables: a few common ones (Kim, Trading) and a long tail of rare ones, which is what
# the matcher's blocking on rare tokens is designed for.
_SYLLABLES = ("kim ri pak choe jong chol song il nam hyok myong su yong chun ho gwang sok "
              "hak min un chang kyu dok sam tae bong hui ok ju hyon sang mun won sin").split()
_FAMILIES = ["Kim", "Ri", "Pak", "Choe", "Jon", "Kang", "O", "Han", "Yun", "Jang", "Ryu", "Hwang"]
_ROOTS = ("ha ka ma ra sa ta na ba da ja pa ya la za ko mo ro so to no bo do jo po yo lo "
          "ke me re se te ne be de je pe ye le ki mi ri si ti ni bi di ji pi yi li "
          "gum san tong yang hwa ryong kwang sung chon myo paek kum un bong hae").split()
_GIVEN = ["Ahmad", "Yusuf", "Omar", "Ali", "Hassan", "Ibrahim", "Khalid", "Said", "Tariq", "Musa",
          "Viktor", "Sergei", "Igor", "Pavel", "Anton", "Dmitri", "Ivan", "Oleg", "Boris", "Lev"]
_FIRM_KINDS = ["Trading Corporation", "General Company", "Shipping Company", "Bank",
               "Technology Company", "Mining Company", "Import and Export Corporation",
               "Investment Group", "Logistics Ltd", "Industrial Corporation"]
_VESSEL_WORDS = ("Star Dawn Pearl Glory Ocean Harmony Jade Victory Bright Eagle Lucky Crown "
                 "Golden Wave Rainbow Summit").split()


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_ROOTS) for _ in range(parts)).capitalize()


def synthetic_list(aliases: int, seed: int) -> dict[str, object]:
    """A list file body (format 1, see sanctionscan.lists) with `aliases` names in total,
    primary names included. Deterministic for a seed; written with `write_list_file`."""
    rng = random.Random(f"list:{seed}")
    entries: list[dict[str, object]] = []
    used: set[str] = set()
    total = 0
    i = 0
    while total < aliases:
        i += 1
        kind = rng.choices(["individual", "entity", "vessel"], [5, 4, 1])[0]
        names = []
        want = min(rng.choice([1, 2, 2, 3, 4]), aliases - total)
        for _ in range(want * 4):
            if len(names) == want:
                break
            name = _synthetic_name(rng, kind)
            if name not in used:
                used.add(name)
                names.append(name)
        if not names:
            continue
        total += len(names)
        entry: dict[str, object] = {
            "ref": f"SYi.{i:05d}" if kind == "individual" else f"SYe.{i:05d}",
            "type": kind, "name": names[0], "regime": "DPRK",
        }
        if names[1:]:
            entry["aliases"] = [{"name": n} for n in names[1:]]
        if kind == "vessel":
            entry["imo"] = [f"{9000000 + i:07d}"]
        entries.append(entry)
    return {"name": "synthetic-bench", "source": "benchmarks/gen_corpus.py",
            "version": f"seed-{seed}", "entries": entries}


def _synthetic_name(rng: random.Random, kind: str) -> str:
    if kind == "individual":
        if rng.random() < 0.5:  # Korean personal names: common syllables, matched exactly
            family = rng.choice(_FAMILIES)
            given = rng.sample(_SYLLABLES, 2)
            return f"{family} {given[0].capitalize()} {given[1]}" if rng.random() < 0.5 else \
                f"{family} {given[0].capitalize()}-{given[1]}"
        return f"{rng.choice(_GIVEN)} {_word(rng, 2)} {_word(rng, rng.randint(2, 3))}"
    if kind == "entity":
        return f"{_word(rng, rng.randint(2, 3))} {_word(rng, 2)} {rng.choice(_FIRM_KINDS)}"
    return f"{rng.choice(_VESSEL_WORDS)} {_word(rng, 2)} {rng.randint(1, 99)}"


# --------------------------------------------------------------------------- articles


class ArticleWriter:
    def __init__(self, vocab: Vocabulary, seed: int, transfer_share: float = 0.05,
                 listed_share: float = 0.1) -> None:
        self.v = vocab
        self.rng = random.Random(f"corpus:{seed}")
        self.transfer_share = transfer_share
        self.listed_share = listed_share
        self.party_ids = sorted(vocab.parties)
        self.targets = [p for p in _TARGET_IDS if p in vocab.parties] or self.party_ids
        self.suppliers = [p for p in _SUPPLIER_IDS if p in vocab.parties] or self.party_ids

    def _party(self, ids: list[str] | None = None) -> str:
        return self.rng.choice(self.v.parties[self.rng.choice(ids or self.party_ids)])

    def _fill(self, template: str, **fixed: str) -> str:
        r = self.rng
        values = {
            "p": self._party(), "q": self._party(), "g": r.choice(self.v.goods),
            "n": str(r.choice([2, 3, 5, 7, 12, 15, 20, 40, 120, 300])),
            "m": r.choice(_MONTHS), "y": str(r.randint(2012, 2025)), "d": str(r.randint(1, 28)),
            "weekday": r.choice(_WEEKDAYS), "city": r.choice(_PLACES),
            "who": f"{r.choice(_FIRST)} {r.choice(_LAST)}", "org": r.choice(_ORGS),
            "s": self._party(self.suppliers), "r": self._party(self.targets),
            "v": r.choice(self.v.transfer_verbs), "a": r.choice(self.v.acquire_verbs),
            "listed": r.choice(self.v.listed) if self.v.listed else self._party(),
        }
        values.update(fixed)
        text = template.format(**values)
        return text[0].upper() + text[1:]

    def article(self, index: int) -> dict[str, object]:
        r = self.rng
        size = r.randint(2000, 5000)
        paragraphs: list[str] = []
        length = 0
        transfer = r.random() < self.transfer_share
        listed = bool(self.v.listed) and r.random() < self.listed_share
        special: list[str] = []
        if transfer:
            special.append(self._fill(r.choice(_TRANSFER)))
        if listed:
            special.append(self._fill(
                "{who} said {listed} had been linked to {org} in the past.",
                listed=r.choice(self.v.listed)))
        while length < size:
            sentences = [self._fill(r.choice(_FILLER)) for _ in range(r.randint(2, 5))]
            if special and r.random() < 0.4:
                sentences.insert(r.randint(0, len(sentences)), special.pop())
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        if special:
            paragraphs.insert(1, " ".join(special))
        text = "\n\n".join(paragraphs)
        published = date(2024, 1, 1) + timedelta(days=r.randint(0, 700))
        title = self._fill("{p} and {q}: talks on {g} continue")
        return {"id": f"bench-{index:06d}", "title": title, "published": published.isoformat(),
                "text": text}


def articles(count: int, seed: int, vocab: Vocabulary) -> Iterator[dict[str, object]]:
    writer = ArticleWriter(vocab, seed)
    for i in range(count):
        yield writer.article(i)


def write_corpus(path: Path, count: int, seed: int, vocab: Vocabulary) -> int:
    """Write the corpus as JSON Lines; returns the number of bytes of article text."""
    total = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in articles(count, seed, vocab):
            total += len(str(record["text"]).encode("utf-8"))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return total


def write_synthetic_list(path: Path, aliases: int, seed: int) -> list[str]:
    """Write the synthetic list file through `sanctionscan.lists`; returns its names."""
    from sanctionscan.lists import SanctionsList, write_list_file

    body = synthetic_list(aliases, seed)
    lst = SanctionsList.model_validate(body)
    write_list_file(lst, path)
    return [e.name for e in lst.entries] + [a.name for e in lst.entries for a in e.aliases]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--list-out", type=Path, help="also write a synthetic list file here")
    parser.add_argument("--aliases", type=int, default=10000)
    args = parser.parse_args(argv)
    listed: list[str] = []
    if args.list_out:
        listed = write_synthetic_list(args.list_out, args.aliases, args.seed)
    vocab = Vocabulary.from_rules(default_rules_dir(), listed)
    size = write_corpus(args.out, args.docs, args.seed, vocab)
    print(f"{args.docs} documents, {size / 1e6:.1f} MB of text -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
