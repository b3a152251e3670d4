"""Frames: who moved which goods to whom, with what status and when — one per transfer word.

`choice` picks the sentences worth reading, `assembly` makes a frame per transfer word of
them, reading goods (`goods`), roles (`roles`) and status (`status`) with the words of the
grammar file. Nothing here names a rule: rules read frames (sanctionscan.rules).
"""

from __future__ import annotations

from sanctionscan.frames.assembly import REACH, assemble
from sanctionscan.frames.choice import frame_sentences
from sanctionscan.frames.model import Frame

__all__ = ["REACH", "Frame", "assemble", "frame_sentences"]
