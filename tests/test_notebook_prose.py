"""No measured number is typed into a notebook's Markdown.

A number the notebook measures is printed by its code (``labs.figures.record``) and checked
against notebooks/figures.toml; typed into prose it would silently drift from what the code
gives. So, after maths (``$...$``, ``$$...$$``), code (spans and fenced blocks), HTML comments,
URLs and link targets are stripped, any sentence of a Markdown cell holding a percentage
(``12%``, ``12.5 %``) or a decimal number (``0.09``) fails, unless it carries a citation: a
square-bracketed text with a letter in it that is not a link (``[NNDL ch3]``,
``[Guo et al. 2017]``), marking a source's own number. A cell tagged ``cites`` (a table of
source values) is exempt. Integers ("30 hidden neurons", "lab 6") are fine.
"""

import pathlib
import re

import nbformat
import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))

_STRIP = [
    re.compile(r"<!--.*?-->", re.S),  # HTML comments
    re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M),  # fenced code blocks
    re.compile(r"\$\$.*?\$\$", re.S),  # display maths
    re.compile(r"(?<!\\)\$(?!\s).*?(?<![\\\s])\$", re.S),  # inline maths
    re.compile(r"(`+).+?\1", re.S),  # code spans, `x` or ``x``
    re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M),  # reference-style link definitions
    re.compile(r"<https?://[^>]*>"),  # autolinks
]
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\](\([^)]*\)|\[[^\]]*\])")  # [text](target) or [text][ref]
_URL = re.compile(r"https?://\S+")
_MEASURED = re.compile(r"(?<![\w.§])\d+(\.\d+)?[ \u00a0]?%|(?<![\w.§])\d*\.\d+(?!\w|\.\d)")
# a citation names its source in words: [784, 30, 10] is a network's sizes, not a citation
_CITATION = re.compile(r"\[[^\[\]]*[A-Za-z][^\[\]]*\](?![(\[:])")
_ABBREVIATIONS = {"e.g", "i.e", "al", "cf", "vs", "fig", "ch", "eq", "no", "approx", "etc"}
_UNIT_START = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|#|\||>)")


def strip_markdown(text: str) -> str:
    """The prose of a Markdown cell: maths, code, comments, URLs and link targets removed (a
    link keeps its text, which a citation never is)."""
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    return _URL.sub(" ", text)


def units(text: str):
    """Paragraphs, list items, headings and table rows, each joined into one line."""
    current = []
    for line in text.splitlines():
        if not line.strip() or _UNIT_START.match(line):
            if current:
                yield " ".join(current)
            current = [line.strip()] if line.strip() else []
        else:
            current.append(line.strip())
    if current:
        yield " ".join(current)


def sentences(unit: str):
    """Split at '.', '!' or '?' followed by a space, never inside square brackets (a citation
    such as [Goodfellow et al. 2015] stays whole) and never after an abbreviation (e.g., et al.)."""
    depth, start = 0, 0
    for i, ch in enumerate(unit):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif ch in ".!?" and depth == 0 and (i + 1 == len(unit) or unit[i + 1].isspace()):
            word = re.search(r"([\w.]+)$", unit[start:i])
            if ch == "." and word and word.group(1).lower() in _ABBREVIATIONS:
                continue
            yield unit[start : i + 1].strip()
            start = i + 1
    if unit[start:].strip():
        yield unit[start:].strip()


def measured_sentences(text: str) -> list[str]:
    """The sentences of a Markdown cell that type a measured-looking number with no citation."""
    found = []
    for unit in units(strip_markdown(text)):
        for sentence in sentences(unit):
            if _MEASURED.search(sentence) and not _CITATION.search(sentence):
                found.append(sentence)
    return found


def lint(nb) -> list[tuple[int, str]]:
    """(cell index, sentence) for each uncited measured number in ``nb``'s Markdown cells."""
    return [
        (i, sentence)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown" and "cites" not in cell.metadata.get("tags", [])
        for sentence in measured_sentences(cell.source)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_measured_number_is_typed_into_markdown(path):
    found = lint(nbformat.read(path, as_version=4))
    assert not found, (
        f"{path.name}: Markdown types a measured number (record it with labs.figures.record, "
        "or cite its source in [brackets]):\n"
        + "\n".join(f"  cell {i}: {sentence}" for i, sentence in found)
    )


# --- the lint itself, on small synthetic cells ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "On the bundled subset this gives about 88% of the test digits.",
        "The output falls to 0.09 after 300 epochs.",
        "It reaches 12.5 % after one epoch.",
        "It reaches 12.5\u00a0% after one epoch.",
        "- the best run: 95.2",
        "| cross-entropy | 0.360 |",
        "## Accuracy 97.9%",
        "A link is no citation: [the run](https://example.org) gave 0.42.",
        "A reference link is no citation: [the run][1] gave 0.42.\n\n[1]: https://example.org",
        "The cost fell by\nhalf, to 0.35 on\nthe last epoch.",
        "An image is no citation ![fig](x.png) at 0.5.",
        "Cited elsewhere [NNDL ch3]. But this one is not: 0.5.",
        "A [784, 30, 10] network reaches 0.95 here.",
    ],
)
def test_a_typed_measured_number_fails(text):
    assert measured_sentences(text), text


@pytest.mark.parametrize(
    "text",
    [
        "NNDL reports 82.27% [NNDL ch3].",
        "NNDL reports 82.27% [NNDL ch3. Overfitting].",
        "Models are overconfident, with an ECE of 4.3% [Guo et al. 2017].",
        "Goodfellow et al. 2015 find an error of 89.4% at 97.6% confidence "
        "[Goodfellow et al. 2015].",
        "The sigmoid is $\\sigma(z) = 1/(1 + e^{-z})$ and $\\sigma'(0) = 0.25$.",
        "Display maths:\n$$C = 0.5 \\lVert y - a \\rVert^2$$\nwith no number in prose.",
        "Install it with `pip install nnwidgets==0.3.1` and set `eta = 0.5`.",
        "```python\nnet.SGD(data, 30, 10, 0.5)\n```",
        "Read [chapter 3](https://neuralnetworksanddeeplearning.com/chap3.html#3.6).",
        "[Lab 6](notes/0.5/lab6.ipynb) and ![a figure](fig_0.25.png) have targets with decimals.",
        "See https://arxiv.org/abs/1706.04599 for the paper.",
        "A network of 30 hidden neurons, trained for 400 epochs, as in lab 6.",
        "<!-- measured 0.42 on a quiet machine -->Prose without figures.",
        "As NNDL §3.6 explains, the rate matters.",
        "The cost is $C$, it costs about a dollar, $5 is not maths here but 5 is an integer.",
    ],
)
def test_a_cited_number_maths_code_a_link_and_an_integer_pass(text):
    assert measured_sentences(text) == [], text


def test_a_cites_cell_is_exempt_and_a_failure_names_cell_and_sentence():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Lab"),
        nbformat.v4.new_code_cell("accuracy = 0.95  # code is never linted"),
        nbformat.v4.new_markdown_cell("| source | value |\n|---|---|\n| NNDL | 95.49% |"),
        nbformat.v4.new_markdown_cell("Fine. It reached 95.2% here. Fine too."),
    ]
    nb.cells[2].metadata["tags"] = ["cites"]
    assert lint(nb) == [(3, "It reached 95.2% here.")]
    nb.cells[2].metadata["tags"] = []
    assert [i for i, _ in lint(nb)] == [2, 3]
