"""Similarity proposals (rapidfuzz): never identity, which is by source key alone.

Two kinds, both pure functions over talk-like values (TalkData and TalkRow both fit
`TalkFacts`) and playlist entries:

- `propose_merges`: records of different sources that seem to be one talk: the same series,
  starts within an hour, and a similar speaker (≥ `SIMILAR` of 100) or title. The score
  weighs speaker 45, title 45 and closeness in time 10; a proposal at or above
  `AUTO_MERGE_SCORE` whose two talks have no other proposal may be merged without asking
  (`automatic`); the rest wait in the review list.
- `match_recordings`: playlist entries attached to talks. An entry's title usually holds the
  speaker's name and/or the talk's title ("Soledad Villar - Equivariant …", "One World ML:
  <title>"); each pair is scored on both, each entry goes to its best talk (one talk per
  entry, one entry per talk), then playlist order is checked against the talks' dates (the
  direction taken from the confident matches): a match that sits between its neighbours
  gains `ORDER_BONUS`, one out of order loses `ORDER_PENALTY`. Matches at or above
  `CONFIDENT` are confident, unless another talk fits the entry as well; from `UNCERTAIN`
  up they go to the review list. An entry whose video is already a talk's recording is
  matched to it by that key; a talk whose recording is another video stays a candidate
  (pass only the talks that should get one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz, process

from desktop_app.core.records import Speaker
from desktop_app.core.sources.youtube import PlaylistEntry, video_id_of
from desktop_app.core.textfold import fold_name

SIMILAR = 85.0  # a speaker or title at least this similar makes a merge proposal
AUTO_MERGE_SCORE = 90.0  # pinned by tests: a merge at or above applies by itself
MAX_START_GAP = timedelta(hours=1)
CONFIDENT = 85.0  # a recording match at or above is attached without asking
UNCERTAIN = 60.0  # from here up to CONFIDENT: the review list
ORDER_BONUS = 10.0
ORDER_PENALTY = 15.0
SPEAKER_ONLY = 80.0  # the weight of a name without a title to compare
_PLACEHOLDERS = frozenset({"tba", "tbd", "tbc", "to be announced", "title tba", "untitled"})
_NON_WORD = re.compile(r"[^\w]+")
_PREFIX = re.compile(r"^(?P<head>[^:|\-–—]{2,60}?)\s*(?::|\s[|\-–—]\s)\s*(?P<rest>.+)$")


class TalkFacts(Protocol):
    """What matching reads of a talk (TalkData and TalkRow have it)."""

    @property
    def uid(self) -> str: ...
    @property
    def series(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def speakers(self) -> tuple[Speaker, ...]: ...
    @property
    def start(self) -> datetime | None: ...
    @property
    def recording_url(self) -> str | None: ...


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold_name(text)).split())


def _usable_title(title: str | None) -> str | None:
    folded = _fold(title or "")
    if len(folded) < 8 or folded in _PLACEHOLDERS or len(folded.split()) < 2:
        return None
    return folded


def name_similarity(a: str, b: str) -> float:
    """0–100: `Soledad Villar` ~ `Villar, Soledad` ~ `S. Villar` (initial and surname: 90)."""
    fa, fb = _fold(a), _fold(b)
    if not fa or not fb:
        return 0.0
    score = fuzz.token_sort_ratio(fa, fb)
    ta, tb = fa.split(), fb.split()
    if len(ta) > 1 and len(tb) > 1 and ta[-1] == tb[-1] and ta[0][0] == tb[0][0]:
        score = max(score, 90.0)
    return float(score)


def title_similarity(a: str, b: str) -> float:
    """0–100 for two folded titles: word order, a cut-off end and added words forgiven, but
    only when most words of the shorter one are found in the longer."""
    score = fuzz.token_sort_ratio(a, b)
    wa, wb = set(a.split()), set(b.split())
    shorter = min(wa, wb, key=len)
    if shorter and len(wa & wb) / len(shorter) >= 0.75:
        score = max(score, fuzz.token_set_ratio(a, b))
    if min(len(a), len(b)) >= 25:  # one inside the other (a cut-off title, added words)
        partial = fuzz.partial_ratio(a, b)
        if partial >= 90:  # below, a shared phrase ("machine learning") is no evidence
            score = max(score, partial)
    return float(score)


# ------------------------------------------------------------------ the same talk twice


@dataclass(frozen=True)
class MergeProposal:
    """Two records that seem to be one talk: `talks` is (incoming uid, existing uid)."""

    talks: tuple[str, str]
    score: float
    reason: str
    automatic: bool = False


def merge_score(a: TalkFacts, b: TalkFacts) -> tuple[float, str] | None:
    """The score and reason of a proposal to merge `a` and `b`, or None when they are not
    candidates (another series, a start missing or over an hour apart, nothing similar)."""
    if a.uid == b.uid or not a.series or a.series != b.series:
        return None
    if a.start is None or b.start is None:
        return None
    gap = abs(a.start - b.start)
    if gap > MAX_START_GAP:
        return None
    speaker = max(
        (name_similarity(x.name, y.name) for x in a.speakers for y in b.speakers), default=0.0
    )
    ta, tb = _usable_title(a.title), _usable_title(b.title)
    title = title_similarity(ta, tb) if ta and tb else 0.0
    if speaker < SIMILAR and title < SIMILAR:
        return None
    closeness = 100.0 * (1 - gap / MAX_START_GAP)
    score = round(0.45 * speaker + 0.45 * title + 0.10 * closeness, 1)
    minutes = round(gap.total_seconds() / 60)
    reason = f"same series, starts {minutes} min apart, speaker {speaker:.0f}, title {title:.0f}"
    return score, reason


def propose_merges(
    incoming: Sequence[TalkFacts], existing: Sequence[TalkFacts]
) -> list[MergeProposal]:
    """Proposals that a talk of `incoming` (one source's records) is one of `existing` (the
    series' talks from other sources), best first. Pairs from one source (when the values
    carry a `source`) are never proposed."""
    proposals: list[MergeProposal] = []
    for a in incoming:
        for b in existing:
            source_a, source_b = getattr(a, "source", None), getattr(b, "source", None)
            if source_a is not None and source_a == source_b:
                continue
            found = merge_score(a, b)
            if found is not None:
                proposals.append(MergeProposal((a.uid, b.uid), found[0], found[1]))
    counts: dict[str, int] = {}
    for proposal in proposals:
        for uid in proposal.talks:
            counts[uid] = counts.get(uid, 0) + 1
    proposals = [
        replace(p, automatic=p.score >= AUTO_MERGE_SCORE and all(counts[u] == 1 for u in p.talks))
        for p in proposals
    ]
    return sorted(proposals, key=lambda p: (-p.score, p.talks))


# ------------------------------------------------------------------ recordings for talks


@dataclass(frozen=True)
class RecordingMatch:
    """A playlist entry proposed as the recording of a talk."""

    video_id: str
    url: str
    talk: str
    score: float
    reason: str
    confident: bool


@dataclass(frozen=True)
class RecordingMatches:
    """Confident matches (attach), uncertain ones (review list), entries matched to nothing."""

    confident: tuple[RecordingMatch, ...]
    uncertain: tuple[RecordingMatch, ...]
    unmatched: tuple[PlaylistEntry, ...]


@dataclass(frozen=True)
class _Pair:
    entry: PlaylistEntry
    talk: TalkFacts
    score: float
    reason: str
    ambiguous: bool = False  # another talk scored as high: never confident


@lru_cache(maxsize=65536)
def _entry_variants(title: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The entry's title, without the speakers' names, and without a leading series label."""
    folded = _fold(title)
    core = folded
    for name in names:
        core = core.replace(name, " ")
    core = " ".join(core.split())
    variants = [folded, core]
    match = _PREFIX.match(" ".join(title.split()))
    if match and len(match["rest"].split()) >= 3:
        variants.append(_fold(match["rest"]))
    return tuple(v for v in dict.fromkeys(variants) if v)


def recording_score(entry: PlaylistEntry, talk: TalkFacts) -> tuple[float, str]:
    """0–100 for `entry` being the recording of `talk`, with the reason."""
    folded = _fold(entry.title)
    words = set(folded.split())
    names = tuple(_fold(s.name) for s in talk.speakers if len(_fold(s.name)) >= 5)
    speaker = 0.0
    for name in names:
        found = float(fuzz.partial_ratio(name, folded)) if len(folded) >= len(name) else 0.0
        surname = name.split()[-1]
        if len(name.split()) > 1 and len(surname) >= 4 and surname in words:
            found = max(found, 75.0)
        speaker = max(speaker, found)
    title = _usable_title(talk.title)
    variants = _entry_variants(entry.title, names)
    title_score = max((title_similarity(title, v) for v in variants), default=0.0) if title else 0.0
    rest = max((len(v) for v in variants[1:]), default=0)  # what is left beside the names
    if title and speaker >= 90:
        score = max(title_score, (speaker + title_score) / 2)
    elif title:
        score = title_score if len(title.split()) >= 4 else 0.9 * title_score
    else:
        score = 0.0
    if speaker >= 90 and (title is None or rest < 8):  # a name, and no title to compare
        score = max(score, SPEAKER_ONLY * speaker / 100)
    reason = (
        f"speaker {speaker:.0f}, title {title_score:.0f}" if title else f"speaker {speaker:.0f}"
    )
    return round(score, 1), reason


def match_recordings(
    entries: Sequence[PlaylistEntry], talks: Sequence[TalkFacts]
) -> RecordingMatches:
    """Attach playlist entries to talks (see the module's docstring)."""
    by_video = {
        vid: talk for talk in talks if (vid := video_id_of(talk.recording_url or "")) is not None
    }
    known = [
        RecordingMatch(
            e.video_id, e.url, by_video[e.video_id].uid, 100.0, "already its recording", True
        )
        for e in entries
        if e.video_id in by_video
    ]
    linked = {m.talk for m in known}
    open_talks = [talk for talk in talks if talk.uid not in linked]
    candidates = _Candidates(open_talks)
    pairs: list[_Pair] = []
    for entry in entries:
        if entry.video_id in by_video:
            continue
        for index in sorted(candidates.of(entry)):
            talk = open_talks[index]
            score, reason = recording_score(entry, talk)
            if score >= UNCERTAIN:
                pairs.append(_Pair(entry, talk, score, reason))
    chosen = _assign(pairs)
    chosen = [
        replace(p, score=min(p.score, CONFIDENT - 1)) if p.ambiguous else p
        for p in _check_order(chosen)
    ]
    matches = [
        RecordingMatch(
            p.entry.video_id, p.entry.url, p.talk.uid, p.score, p.reason, p.score >= CONFIDENT
        )
        for p in chosen
        if p.score >= UNCERTAIN
    ]
    matches = known + matches
    matched = {m.video_id for m in matches}
    return RecordingMatches(
        confident=tuple(m for m in matches if m.confident),
        uncertain=tuple(m for m in matches if not m.confident),
        unmatched=tuple(e for e in entries if e.video_id not in matched),
    )


# The first pass: loose enough that every pair that can score UNCERTAIN gets through (names
# removed from an entry raise its token_sort_ratio by a few points at most); unrelated
# titles commonly reach 45-50 on token_sort_ratio alone.
# A cut-off title inside an entry shares most of its words: token_set_ratio finds it.
_TITLE_PASSES = ((fuzz.token_sort_ratio, 55.0), (fuzz.token_set_ratio, 70.0))


class _Candidates:
    """A quick first pass (rapidfuzz's C loops) that keeps, for an entry, every talk whose
    title shares words with it or whose speaker it names; the full score is computed only
    for those, so that large playlists against large series stay fast."""

    def __init__(self, talks: Sequence[TalkFacts]) -> None:
        self.titles = [_usable_title(talk.title) or "" for talk in talks]
        self.names: list[str] = []
        self.owners: list[int] = []
        for index, talk in enumerate(talks):
            for speaker in talk.speakers:
                self.names.append(_fold(speaker.name))
                self.owners.append(index)

    def of(self, entry: PlaylistEntry) -> set[int]:
        text = _fold(entry.title)
        found = {
            index
            for scorer, cutoff in _TITLE_PASSES
            for _, _, index in process.extract(
                text, self.titles, scorer=scorer, limit=None, score_cutoff=cutoff
            )
        }
        for _, _, at in process.extract(
            text, self.names, scorer=fuzz.partial_ratio, limit=None, score_cutoff=85.0
        ):
            found.add(self.owners[at])
        return found


def _assign(pairs: list[_Pair]) -> list[_Pair]:
    """Best pairs first, one talk per entry and one entry per talk; a close second choice
    for the same entry makes the pick uncertain."""
    best: dict[str, list[_Pair]] = {}
    for pair in pairs:
        best.setdefault(pair.entry.video_id, []).append(pair)
    chosen: list[_Pair] = []
    used_entries: set[str] = set()
    used_talks: set[str] = set()
    for pair in sorted(pairs, key=lambda p: (-p.score, p.entry.position, p.talk.uid)):
        if pair.entry.video_id in used_entries or pair.talk.uid in used_talks:
            continue
        rivals = [
            p for p in best[pair.entry.video_id] if p is not pair and p.talk.uid not in used_talks
        ]
        if rivals and max(r.score for r in rivals) >= pair.score - 5:
            rival = max(rivals, key=lambda r: r.score)
            pair = replace(
                pair, ambiguous=True, reason=f"{pair.reason}; as close to {rival.talk.uid}"
            )
        used_entries.add(pair.entry.video_id)
        used_talks.add(pair.talk.uid)
        chosen.append(pair)
    return chosen


def _check_order(chosen: list[_Pair]) -> list[_Pair]:
    """Playlist order against the talks' dates: in order gains, out of order loses."""
    dated = sorted((p for p in chosen if p.talk.start is not None), key=lambda p: p.entry.position)
    anchors = [p for p in dated if p.score >= CONFIDENT and not p.ambiguous]
    if len(anchors) < 2:
        return chosen
    concordant = sum(
        1 for i, a in enumerate(anchors) for b in anchors[i + 1 :] if _start(a) < _start(b)
    )
    pairs_count = len(anchors) * (len(anchors) - 1) // 2
    ascending = concordant * 2 >= pairs_count
    result: list[_Pair] = []
    for pair in chosen:
        if pair.talk.start is None:
            result.append(pair)
            continue
        others = [a for a in anchors if a is not pair]
        before = [a for a in others if a.entry.position < pair.entry.position]
        after = [a for a in others if a.entry.position > pair.entry.position]
        low = _start(before[-1]) if before else None
        high = _start(after[0]) if after else None
        if not ascending:
            low, high = high, low
        start = pair.talk.start
        in_order = (low is None or low <= start) and (high is None or start <= high)
        if in_order:
            result.append(
                replace(
                    pair,
                    score=min(100.0, pair.score + ORDER_BONUS),
                    reason=f"{pair.reason}; in playlist order",
                )
            )
        else:
            result.append(
                replace(
                    pair,
                    score=pair.score - ORDER_PENALTY,
                    reason=f"{pair.reason}; out of playlist order",
                )
            )
    return result


def _start(pair: _Pair) -> datetime:
    assert pair.talk.start is not None
    return pair.talk.start
