"""The English a Vietnamese report must not show, for the reporters' tests: the
catalogues' messages that have a Vietnamese translation (their text between
placeholders) and the English side of a spec's titles, descriptions and notes."""

from __future__ import annotations

import re
from typing import Any

import qnkpi
from qnkpi.i18n import _catalogue

#: What is cut from both ends of a message's piece between placeholders.
_EDGES = " :;,.()[]·-~*\n"


def catalogue_english(*, min_words: int = 2, min_chars: int = 0) -> set[str]:
    """Every translated message's pieces between placeholders, of `min_words` words and
    `min_chars` characters or more."""
    out = set()
    for msgid, msgstr in _catalogue("vi").items():
        if msgid == msgstr:
            continue
        for piece in re.split(r"\{[^}]*\}", msgid):
            piece = piece.strip(_EDGES)
            if len(piece.split()) >= min_words and len(piece) >= min_chars:
                out.add(piece)
    return out


def spec_english(spec: qnkpi.Spec, *, cut: int | None = None) -> set[str]:
    """The English of the spec's texts that differ from their Vietnamese: the
    programme's title and description, the objectives' titles, the indicators' titles,
    descriptions and target notes (each its first `cut` characters, if given)."""
    texts: list[Any] = [spec.programme.title, spec.programme.description,
                        *(o.title for o in spec.objectives.values())]
    for ind in spec.indicators.values():
        texts += [ind.title, ind.description, *(t.note for t in ind.targets)]
    return {t.en[:cut] for t in texts if t is not None and t.en and t.en != t.vi}


def english_phrases(spec: qnkpi.Spec, *, min_words: int = 2, min_chars: int = 0,
                    cut: int | None = None) -> set[str]:
    """Both: [`catalogue_english`][] and [`spec_english`][]."""
    return catalogue_english(min_words=min_words, min_chars=min_chars) | spec_english(
        spec, cut=cut)
