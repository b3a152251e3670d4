"""Generate a large, realistic-looking benchmark corpus and a synthetic sanctions list.

Everything here is written for the benchmark: sentence templates are our own, names come from
the shipped lexicons, the shipped lists (when there are any) and a synthetic list generated from
a seed. No third-party article text is used. The same seed always gives the same bytes.

    python benchmarks/gen_corpus.py --docs 20000 --seed 7 --out /tmp/corpus.jsonl \
        --list-out /tmp/bench-rules/lists/synthetic.yaml

The corpus is JSON Lines (`id`, `title`, `published`, `text`), one news-like article of 2-5 KB
per line; about 5% of the articles describe a transfer that a sanctions rule may catch: a
firehose of general news, where most documents take the scan's skip path.

With `--dense`, sanctions-dense articles of 2-6 KB instead (`dense-NNNNNN`): headline, dateline,
about a dozen transfer sentences in varied grammar and background naming many states and goods,
about the density of real sanctions news (check it with density.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
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
    vessels: list[str] = field(default_factory=list)  # vessel names from them

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
        vessels = []
        for path in sorted((rules_dir / "lists").glob("*.yaml")):
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for entry in doc.get("entries", []):
                listed.append(entry["name"])
                if entry.get("type") == "vessel":
                    vessels.append(entry["name"])
        return cls(goods, parties, transfer or ["delivered"], acquire or ["imported"], listed,
                   vessels)


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
        names: list[str] = []
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


def articles(count: int, seed: int, vocab: Vocabulary, dense: bool = False
             ) -> Iterator[dict[str, object]]:
    writer = DenseWriter(vocab, seed) if dense else ArticleWriter(vocab, seed)
    for i in range(count):
        yield writer.article(i)


def write_corpus(path: Path, count: int, seed: int, vocab: Vocabulary, dense: bool = False
                 ) -> int:
    """Write the corpus (the firehose-like one, or with `dense` the sanctions-dense one) as
    JSON Lines; returns the number of bytes of article text."""
    total = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in articles(count, seed, vocab, dense):
            total += len(str(record["text"]).encode("utf-8"))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return total


# --------------------------------------------------------------------------- dense articles

# Sanctions-dense articles: what monitoring actually reads. Per article of 2-6 KB about a dozen
# sentences describe transfers (with goods and parties, in varied grammar), the rest is
# background naming many states and goods. Real sanctions news measured with density.py: about
# 11 frames, 34 party and 23 goods mentions per document. Every template and word list below
# was written for this benchmark; each party and goods phrase is one the shipped lexicons know.

# (name as written, origin adjective or "", the party it stands for): who supplies, who
# receives; a transfer is never between two names of one party
_D_SUPPLIERS = [("Russia", "Russian", "RU"), ("Moscow", "", "RU"), ("China", "Chinese", "CN"),
                ("Beijing", "", "CN"), ("Iran", "Iranian", "IR"), ("Tehran", "", "IR"),
                ("North Korea", "North Korean", "KP"), ("Pyongyang", "", "KP"),
                ("Belarus", "Belarusian", "BY"), ("the United Arab Emirates", "Emirati", "AE"),
                ("Turkey", "Turkish", "TR"), ("Malaysia", "Malaysian", "MY"),
                ("Hong Kong", "Hong Kong", "HK"), ("Eritrea", "Eritrean", "ER"),
                ("the Islamic Revolutionary Guard Corps", "", "IR")]
_D_RECIPIENTS = [("North Korea", "North Korean", "KP"), ("Pyongyang", "", "KP"),
                 ("the Houthis", "Houthi", "HOUTHIS"), ("Ansar Allah", "", "HOUTHIS"),
                 ("al-Shabaab", "", "AL-SHABAAB"), ("Somalia", "Somali", "SO"),
                 ("Libya", "Libyan", "LY"), ("the Taliban", "", "TALIBAN"),
                 ("the Rapid Support Forces", "", "SD"), ("armed groups in Darfur", "", "SD"),
                 ("gangs in Haiti", "", "HT"), ("M23 rebels", "", "CD"),
                 ("Russia", "Russian", "RU"), ("Islamic State fighters", "", "ISIL"),
                 ("Hezbollah", "", "LB")]
# background: states and capitals named in passing
_D_OTHERS = ["the United States", "Japan", "South Korea", "Seoul", "Germany", "France",
             "the United Kingdom", "India", "Saudi Arabia", "Egypt", "Qatar", "Oman", "Kenya",
             "Ethiopia", "Djibouti", "Yemen", "Sudan", "Chad", "Iraq", "Syria", "Lebanon",
             "Afghanistan", "Pakistan", "Vietnam", "Thailand", "Indonesia", "Singapore",
             "Mongolia", "Kazakhstan", "Ukraine", "Kyiv", "Washington", "Tokyo", "Cairo"]
# goods: (plural as written, measure word for a quantity, or "" for a count)
_D_GOODS = [("heavy trucks", ""), ("artillery shells", ""), ("ballistic missiles", ""),
            ("attack drones", ""), ("assault rifles", ""), ("luxury cars", ""),
            ("armoured vehicles", ""), ("drone engines", ""), ("rocket launchers", ""),
            ("machine guns", ""), ("night-vision goggles", ""), ("fishing vessels", ""),
            ("tractors", ""), ("limousines", ""), ("grand pianos", ""), ("luxury watches", ""),
            ("anti-tank missiles", ""), ("mortar rounds", ""), ("helicopters", ""),
            ("diesel generators", ""), ("machine tools", ""), ("centrifuge components", ""),
            ("excavators", ""), ("gyroscopes", ""), ("speedboats", ""), ("yachts", ""),
            ("refined petroleum", "barrels"), ("crude oil", "barrels"), ("coal", "tonnes"),
            ("iron ore", "tonnes"), ("seafood", "tonnes"), ("ammonium nitrate", "tonnes"),
            ("textiles", "containers"), ("charcoal", "sacks"), ("ammunition", "crates"),
            ("explosives", "tonnes"), ("jet fuel", "tonnes"), ("copper", "tonnes"),
            ("gold", "kilograms"), ("vodka", "bottles"), ("cigarettes", "cartons"),
            ("rare earth minerals", "tonnes"), ("steel", "tonnes"), ("small arms", "crates")]
# (simple past, past participle, noun) of verbs that hand goods over, and of verbs that take
_D_TRANSFER = [("delivered", "delivered", "delivery"), ("shipped", "shipped", "shipment"),
               ("sold", "sold", "sale"), ("supplied", "supplied", "supply"),
               ("exported", "exported", "export"), ("sent", "sent", "consignment"),
               ("transferred", "transferred", "transfer"), ("provided", "provided", "provision"),
               ("donated", "donated", "donation"), ("handed over", "handed over", "transfer")]
_D_ACQUIRE = [("imported", "imported"), ("bought", "bought"), ("procured", "procured"),
              ("acquired", "acquired"), ("received", "received"), ("obtained", "obtained")]
_D_SOURCES = ["the panel of experts said", "according to customs records",
              "diplomats familiar with the matter said", "the report said",
              "according to documents seen by reporters", "investigators said",
              "satellite imagery showed", "a Western official said", "officials said"]
_D_VESSEL_KINDS = ["cargo ship", "tanker", "bulk carrier", "vessel", "freighter"]
_D_PORTS = ["Nampo", "Rajin", "Hodeidah", "Bandar Abbas", "Port Sudan", "Benghazi", "Kismayo",
            "Vostochny", "Dalian", "Mersin", "Jebel Ali", "Chongjin"]
_D_WIRES = ["Bench Wire", "Monitor", "Desk Reports"]

# {S}/{Sa} supplier and its adjective, {R} recipient, {G}/{G2} goods with a quantity, {g}/{g2}
# bare goods, {v}/{vp}/{vn} transfer verb past/participle/noun, {a}/{ap} acquire verb,
# {when}, {src}, {vessel}, {vk} vessel kind, {port}, {listed}, {city}
_D_TRANSFERS = [
    "{S} {v} {G} to {R} {when}, {src}.",
    "{When}, {S} {v} {G} to {R}.",
    "{G} were {vp} to {R} by {S} {when}, {src}.",
    "{G} were {vp} to {R} through intermediaries in {city}, {src}.",
    "A {vn} of {g} from {S} to {R} was recorded {when}.",
    "The {vn} of {G} by {S} to {R} breached the embargo, {src}.",
    "{S}, which {v} {g} to {R} {when}, has not commented on the findings.",
    "The {g} that {S} {v} to {R} were later seen near {port}, {src}.",
    "{S} allegedly {v} {G} to {R} {when}.",
    "{S} is suspected of having {vp} {g} to {R}.",
    "{S} may have {vp} {G} to {R}, {src}.",
    "Officials in {S} denied that they had {vp} {g} to {R}.",
    "{S} rejected the allegations that it {v} {g} to {R}.",
    "Security Council resolutions prohibit the {vn} of {g} to {R}.",
    "The resolutions ban the supply, sale or transfer of {g} to {R}, directly or indirectly.",
    "{R} {a} {G} from {S} {when}, {src}.",
    "{R} is believed to have {ap} {g} from {S}.",
    "The {vk} {vessel} carried {G} from {S} to {R} {when}.",
    "A ship-to-ship transfer of {g} from the {vessel} to a tanker bound for {R} was observed "
    "{when}.",
    "{Sa}-made {g} were found in the hands of {R} {when}, {src}.",
    "Investigators said {Sa} {g} had been smuggled into {R} by sea.",
    "Customs officers seized {G} bound for {R} at the port of {port} {when}.",
    "{listed} {v} {G} to {R}, {src}.",
    "The {g} were bought through {listed}, which acts for {R}, {src}.",
    "{S} plans to deliver {G} to {R} next year, {src}.",
    "{S} tried to send {G} to {R} {when}, but the cargo was stopped at {port}.",
    "In the 1990s, {S} supplied {g} to {R}.",
    "{R} received {G} from {S} in exchange for {g2}.",
    "{S} reportedly sent {G} and {G2} to {R}.",
]
# follow-ups that refer back to the goods of the sentence before
_D_FOLLOW_UPS = [
    "Some of them were later sold on to {R}.",
    "The cargo was unloaded at {port} {when}.",
    "They were shipped onward to {R} by road, {src}.",
    "Part of the consignment was seized before it reached {R}.",
]
_D_FILLER = [
    "{p} and {o} have both called for the talks to resume.",
    "Trade between {p} and {q} in {g} and {g2} has grown since {y}.",
    "Prices of {g} in {o} rose by {n} percent in {m}.",
    "Diplomats from {p} and {o} met in {city} on {weekday}.",
    "The panel's report, due in {m}, covers {p} and {o}.",
    "Officials in {o} said on {weekday} that the market for {g} was stable.",
    "Satellite images of the port at {port} showed several cargo ships and cranes.",
    "{who}, a researcher at {org}, said {p} and {q} had grown closer since {y}.",
    "Analysts in {city} said {p} was unlikely to change course before {m}.",
    "The foreign ministers of {o} and {q} are due to meet in {city} in {m}.",
    "{o} and {q} signed an agreement on {g} and {g2} in {y}.",
    "The sanctions committee on {p} met in New York on {weekday}.",
    "{o} has called on {p} and {q} to respect the resolutions.",
    "Output of {g} in {o} fell to its lowest level since {y}, officials said.",
    "{who} of {org} said the figures for {g} were preliminary.",
    "The talks in {city} brought together envoys from {p}, {o} and {q}.",
    "Demand for {g} and {g2} has risen across the region since {y}.",
    "The committee met behind closed doors on {weekday} and issued no statement.",
    "Insurance costs for cargo in the region have doubled since {m}, brokers said.",
    "Market data on {g} are published once a quarter by {org}.",
    "{who} said the review would take several months to complete.",
    "Inspectors visited warehouses holding {g}, {g2} and spare parts in {city}.",
]
# transfer words that make no frame (nothing handed over): news is full of them
_D_NEAR_MISSES = [
    "The panel sent its findings to the committee in {m}.",
    "{who} said the delegation would deliver a message to the government.",
    "The ministry provided no details about the meeting.",
    "Officials have received no reply to their letter, {who} said.",
]
_D_HEADLINES = [
    "{S} {v} {g} to {R}, UN experts say",
    "Panel finds {Sa} {g} in {R}",
    "{R} {a} {g} from {S} despite ban, report says",
    "Sanctions monitors track {g} shipments to {R}",
    "{S} denies sending {g} to {R}",
]


def _title_case(name: str) -> str:
    """A list name ("KOREA SAMMA SHIPPING CO") as news prints it; asides in brackets dropped."""
    name = name.split("(")[0].strip().rstrip(",")
    return " ".join(w if any(c.isdigit() for c in w) else w.capitalize()
                    for w in name.split())


class DenseWriter:
    """Sanctions-dense articles (see above); same seed, same articles."""

    def __init__(self, vocab: Vocabulary, seed: int) -> None:
        self.rng = random.Random(f"dense:{seed}")
        self.listed = [_title_case(n) for n in vocab.listed if "," not in n] or ["Bureau 39"]
        self.vessels = [_title_case(n) for n in vocab.vessels] or ["Chon Ma San"]

    def _quantity(self, goods: str, measure: str) -> str:
        r = self.rng
        n = r.choice(["12", "40", "120", "300", "1,200", "2,500", "about 60", "at least 18",
                      "nearly 5,000", "more than 200"])
        if measure:
            if r.random() < 0.2:
                return f"{r.choice(['$3 million', '$45 million', '$800,000'])} worth of {goods}"
            return f"{n} {measure} of {goods}"
        if r.random() < 0.2:
            return f"{r.choice(['dozens of', 'hundreds of', 'several batches of'])} {goods}"
        return f"{n} {goods}"

    def _when(self) -> str:
        r = self.rng
        month = r.choice(_MONTHS)
        return r.choice([f"in {month} {r.randint(2016, 2025)}",
                         f"on {r.randint(1, 28)} {month} {r.randint(2016, 2025)}",
                         f"between {r.randint(2015, 2019)} and {r.randint(2020, 2024)}",
                         "last year", "earlier this year", f"in {month}"])

    def _values(self) -> dict[str, str]:
        r = self.rng
        supplier, supplier_adj, party = r.choice(_D_SUPPLIERS)
        recipient = r.choice([p for p in _D_RECIPIENTS if p[2] != party])[0]
        if not supplier_adj:
            supplier_adj = next(a for _, a, p in _D_SUPPLIERS if p == party and a)  # (each has one)
        (g, measure), (g2, measure2) = r.sample(_D_GOODS, 2)
        v, vp, vn = r.choice(_D_TRANSFER)
        a, ap = r.choice(_D_ACQUIRE)
        others = r.sample(_D_OTHERS, 3)
        when = self._when()
        return {
            "S": supplier, "Sa": supplier_adj, "R": recipient,
            "G": self._quantity(g, measure), "G2": self._quantity(g2, measure2),
            "g": g, "g2": g2, "v": v, "vp": vp, "vn": vn, "a": a, "ap": ap,
            "when": when, "When": when[0].upper() + when[1:], "src": r.choice(_D_SOURCES),
            "vessel": r.choice(self.vessels), "vk": r.choice(_D_VESSEL_KINDS),
            "port": r.choice(_D_PORTS), "listed": r.choice(self.listed),
            "city": r.choice(_PLACES), "p": r.choice(_D_SUPPLIERS)[0],
            "q": r.choice(_D_RECIPIENTS)[0], "o": others[0],
            "n": str(r.choice([2, 3, 5, 8, 12, 17, 25])), "m": r.choice(_MONTHS),
            "y": str(r.randint(2012, 2024)), "weekday": r.choice(_WEEKDAYS),
            "who": f"{r.choice(_FIRST)} {r.choice(_LAST)}", "org": r.choice(_ORGS),
        }

    def _fill(self, template: str) -> str:
        text = template.format(**self._values())
        return text[0].upper() + text[1:]

    def article(self, index: int) -> dict[str, object]:
        r = self.rng
        size = r.randint(2000, 6000)
        # in an article of average size (4 KB) about a dozen sentences with transfer words:
        # eight that describe one (about 11 frames: some make two), three that hand nothing over
        transfers = max(2, round(size / 4000 * 7.5 + r.uniform(-1.5, 1.5)))
        sentences: list[str] = []
        for _ in range(transfers):
            sentences.append(self._fill(r.choice(_D_TRANSFERS)))
            if r.random() < 0.15:
                sentences.append(self._fill(r.choice(_D_FOLLOW_UPS)))
        for _ in range(round(size / 4000 * 3)):
            sentences.insert(r.randint(1, len(sentences)), self._fill(r.choice(_D_NEAR_MISSES)))
        length = sum(len(s) + 1 for s in sentences)
        while length < size:
            filler = self._fill(r.choice(_D_FILLER))
            # background between the transfers, not only after them
            sentences.insert(r.randint(1, len(sentences)), filler)
            length += len(filler) + 1
        published = date(2024, 1, 1) + timedelta(days=r.randint(0, 700))
        headline = self._fill(r.choice(_D_HEADLINES))
        city = r.choice(_PLACES).upper()
        dateline = r.choice([
            f"{city}, {published.day} {_MONTHS[published.month - 1]} {published.year} "
            f"({r.choice(_D_WIRES)}) - ",
            f"{city}, {_MONTHS[published.month - 1]} {published.day}, {published.year} - ",
            f"Updated {published.isoformat()}\n\n{city} - "])
        paragraphs = [headline, dateline + sentences[0]]
        i = 1
        while i < len(sentences):
            take = r.randint(2, 4)
            paragraphs.append(" ".join(sentences[i:i + take]))
            i += take
        record: dict[str, object] = {"id": f"dense-{index:06d}", "title": headline,
                                     "text": "\n\n".join(paragraphs)}
        if r.random() < 0.7:  # the rest leave the date to the dateline
            record["published"] = published.isoformat()
        return record


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
    parser.add_argument("--dense", action="store_true",
                        help="sanctions-dense articles (a dozen transfers each) instead")
    args = parser.parse_args(argv)
    listed: list[str] = []
    if args.list_out:
        listed = write_synthetic_list(args.list_out, args.aliases, args.seed)
    vocab = Vocabulary.from_rules(default_rules_dir(), listed)
    size = write_corpus(args.out, args.docs, args.seed, vocab, args.dense)
    print(f"{args.docs} documents, {size / 1e6:.1f} MB of text -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
