"""The finding categories of DESIGN §4: `<regime>.<measure>`. Never rename one; add new ones in
a regime file's `categories:` list or here."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "dprk.vehicles", "dprk.luxury_goods", "dprk.arms", "dprk.machinery_metals",
    "dprk.petroleum", "dprk.export_ban", "dprk.workers", "dprk.designated_party",
    "iran.arms", "iran.nuclear_missile", "libya.arms", "libya.petroleum", "somalia.charcoal",
    "somalia.arms", "yemen.arms", "haiti.arms", "southsudan.arms", "car.arms", "drc.arms",
    "sudan.arms", "isil_alqaida.designated", "taliban.designated",
)
