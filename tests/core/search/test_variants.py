"""Spelling variants find the same talks, and "did you mean" corrects word by word."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.variants import fold_variant, split_compound
from tests.helpers.files import talk_record, write_jsonl

# Forms written in the bundled abstracts (data/archive.jsonl) and their other spellings.
VARIANTS = [
    ("optimisation", "optimization"),
    ("initialisation", "initialization"),
    ("regularised", "regularized"),
    ("regularisation", "regularization"),
    ("generalises", "generalizes"),
    ("minimising", "minimizing"),
    ("behaviour", "behavior"),
    ("colouring", "coloring"),
    ("analyse", "analyze"),
    ("analysing", "analyzing"),
    ("non-convex", "non convex", "nonconvex"),
    ("non-linear", "non linear", "nonlinear"),
    ("non-trivial", "nontrivial"),
    ("over-parameterized", "overparameterized", "overparametrized", "overparameterised"),
    ("parameterization", "parametrization", "parameterisation"),
    ("pre-trained", "pretrained"),
    ("multi-layer", "multilayer"),
    ("self-supervised", "self supervised"),
    ("layer-wise", "layerwise"),
    ('"non-convex optimization"', '"nonconvex optimization"', '"non convex optimisation"'),
]
# Misspellings of words of the bundled abstracts: only the unknown words are corrected.
MISSPELLINGS = [
    ("implict bias", "implicit bias"),
    ("regularisaton", "regularization"),
    ("gradiant descnt", "gradient descent"),
    ("stochastc gradient", "stochastic gradient"),
    ("neural tangnet kernel", "neural tangent kernel"),
    ("overparametrised netwroks", "overparametrised networks"),
    ("diffusion modles", "diffusion models"),
    ("lazy trainig regime", "lazy training regime"),
    ("Transfomer", "Transformer"),
]


@pytest.mark.parametrize("forms", VARIANTS, ids=lambda forms: forms[0])
def test_every_spelling_finds_the_same_talks(
    bundled_index: SearchIndex, forms: tuple[str, ...]
) -> None:
    found = [{hit.uid for hit in bundled_index.search(f, limit=500).hits} for f in forms]
    assert found[0], forms[0]
    for form, uids in zip(forms[1:], found[1:], strict=True):
        assert uids == found[0], form


@pytest.mark.parametrize("forms", VARIANTS[:10], ids=lambda forms: forms[0])
def test_variants_rank_alike(bundled_index: SearchIndex, forms: tuple[str, ...]) -> None:
    ranked = [[h.uid for h in bundled_index.search(f, limit=10).hits] for f in forms]
    assert all(r == ranked[0] for r in ranked)


def test_highlights_mark_the_words_as_written(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("regularisation", limit=50)
    fragments = " ".join(h.highlights.get("abstract", "") for h in result.hits)
    assert "<mark>regularization</mark>" in fragments.lower()
    result = bundled_index.search("nonconvex", limit=50)
    fragments = " ".join(h.highlights.get("abstract", "") for h in result.hits).lower()
    assert "<mark>non</mark>-<mark>convex</mark>" in fragments
    assert result.marks.spans("nonconvex losses") == [(0, 9)]


@pytest.mark.parametrize(("typed", "suggestion"), MISSPELLINGS)
def test_misspellings_are_corrected_word_by_word(
    bundled_index: SearchIndex, typed: str, suggestion: str
) -> None:
    result = bundled_index.search(typed)
    assert result.suggestion == suggestion
    assert bundled_index.search(suggestion).total > result.total


def test_no_suggestion_when_every_word_is_known(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("implicit bias catapult")
    assert result.total < 3
    assert result.suggestion is None


@pytest.fixture(scope="module")
def typo_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Twelve talks on regularization and one with the word misspelt."""
    folder = tmp_path_factory.mktemp("typos")
    records: list[dict[str, object]] = [
        {"kind": "series", "slug": "owml", "name": "One World Machine Learning"}
    ]
    records += [
        talk_record(f"reg-{n}", title=f"Talk {n}", abstract="Implicit regularization at work.")
        for n in range(12)
    ]
    records.append(talk_record("typo", title="Typo", abstract="Explicit regularizaton."))
    with Archive.open(folder / "archive", import_bundled=False) as archive:
        archive.import_file(write_jsonl(folder / "talks.jsonl", records))
        with SearchIndex.open(archive) as index:
            yield index


def test_a_rare_word_with_few_hits_gets_the_frequent_spelling(typo_index: SearchIndex) -> None:
    result = typo_index.search("regularizaton")
    assert result.total == 1
    assert result.suggestion == "regularization"
    # "explicit" is as rare, but two edits from "implicit": kept, and "explicit
    # regularization" would find no talk.
    assert typo_index.search("explicit regularizaton").suggestion is None


def test_suggestions_know_the_words_of_an_update(typo_index: SearchIndex) -> None:
    assert typo_index.search("sparsity").suggestion is None
    archive = typo_index.archive
    archive.import_file(
        write_jsonl(
            archive.folder.parent / "more.jsonl",
            [talk_record("sparse", title="Sparse", abstract="Sparsity everywhere.")],
        )
    )
    assert typo_index.search("sparsty").suggestion == "sparsity"


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("optimisation", "optimization"),
        ("characterise", "characterize"),
        ("analyse", "analyze"),
        ("neighbourhood", "neighborhood"),
        ("reparametrization", "reparameterization"),
        ("centre", "center"),
        ("noise", "noise"),
        ("denoising", "denoising"),
        ("otherwise", "otherwise"),
        ("supervised", "supervised"),
        ("promising", "promising"),
        ("arise", "arise"),
        ("analysis", "analysis"),
        ("precise", "precise"),
        ("four", "four"),
    ],
)
def test_variant_folding(word: str, folded: str) -> None:
    assert fold_variant(word) == folded


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("nonconvex", ("non", "convex")),
        ("multilayer", ("multi", "layer")),
        ("pretraining", ("pre", "training")),
        ("overparameterized", ("over", "parameterized")),
        ("layerwise", ("layer", "wise")),
        ("nonetheless", ("nonetheless",)),
        ("multiple", ("multiple",)),
        ("seminar", ("seminar",)),
        ("present", ("present",)),
        ("overview", ("overview",)),
        ("otherwise", ("otherwise",)),
        ("selfish", ("selfish",)),
    ],
)
def test_compound_splitting(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts
