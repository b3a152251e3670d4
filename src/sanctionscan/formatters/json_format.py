"""The JSON report: the stable contract of DESIGN §5 that other tools and the scorer read."""

from __future__ import annotations

import json

from sanctionscan.formatters import RenderOptions
from sanctionscan.models import Report


def render(report: Report, options: RenderOptions) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"
