"""What a dashboard's runs achieved: one row per run, or one per setting combination over seeds.

:func:`run_results` reads each run's :class:`~nnwidgets.training.History`; :func:`summarise`
groups those rows by their settings (all but the seed) into means and spreads. Both return a
:class:`ResultsTable`, a list of dicts with a text and an HTML view, NumPy only
(:meth:`ResultsTable.to_pandas` when pandas happens to be installed).

Epochs are counted from 1; a value a run does not have (no validation data, no
``monitor_train``, a target never reached) is None.
"""

from __future__ import annotations

import html
import math
import numbers

import numpy as np

from .runs import _describe, differing_settings

__all__ = [
    "RUN_COLUMNS",
    "SUMMARY_METRICS",
    "ResultsTable",
    "panel_data",
    "run_results",
    "summarise",
]

#: The columns of :func:`run_results`, in order (``epochs_to_target`` only with a target).
RUN_COLUMNS = (
    "run",
    "label",
    "settings",
    "seed",
    "status",
    "epochs",
    "best_val_accuracy",
    "best_epoch",
    "final_val_accuracy",
    "final_loss",
    "final_val_loss",
    "final_train_loss",
    "final_train_accuracy",
    "seconds",
    "epochs_to_target",
)

#: The numbers :func:`summarise` gives a mean and a spread of.
SUMMARY_METRICS = (
    "best_val_accuracy",
    "best_epoch",
    "final_val_accuracy",
    "final_val_loss",
    "final_train_loss",
    "final_train_accuracy",
    "seconds",
    "epochs_to_target",
)


def _finite(values):
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def _last(values):
    return float(values[-1]) if len(values) and math.isfinite(values[-1]) else None


def _check_target(target_accuracy):
    if target_accuracy is None:
        return None
    if (
        isinstance(target_accuracy, bool)
        or not isinstance(target_accuracy, numbers.Real)
        or not 0 < target_accuracy <= 1
    ):
        raise ValueError(
            f"target_accuracy must be a validation accuracy in (0, 1], such as 0.9; "
            f"got {target_accuracy!r}"
        )
    return float(target_accuracy)


def run_results(runs, target_accuracy=None):
    """One row per run of ``runs`` (a dashboard's :attr:`runs`), as a :class:`ResultsTable`.

    Each row: ``run`` (its number, from 1), ``label``, ``settings`` (a dict of the settings
    that differ between the runs, the seed apart), ``seed``, ``status``, ``epochs`` (completed),
    ``best_val_accuracy`` and ``best_epoch`` (the first epoch that reached it),
    ``final_val_accuracy``, ``final_loss`` (the last epoch's running mean), ``final_val_loss``,
    ``final_train_loss`` and ``final_train_accuracy`` (``monitor_train``), ``seconds`` (the sum
    of ``History.epoch_time``; runs interleaved by mini-batches count the other runs' turns
    within an epoch too) and, with ``target_accuracy``, ``epochs_to_target``: the first epoch
    whose validation accuracy reached it.
    """
    target = _check_target(target_accuracy)
    keys = [k for k in differing_settings([r.settings for r in runs]) if k != "seed"]
    rows = []
    for i, run in enumerate(runs, 1):
        h = run.history
        val = list(h.val_accuracy)
        scores = np.array([v if math.isfinite(v) else -np.inf for v in val])
        best = int(np.argmax(scores)) if len(val) and np.isfinite(scores).any() else None
        row = {
            "run": i,
            "label": run.label,
            "settings": {k: _plain(run.settings.get(k)) for k in keys},
            "seed": run.settings.get("seed"),
            "status": run.status,
            "epochs": h.epochs,
            "best_val_accuracy": None if best is None else float(val[best]),
            "best_epoch": None if best is None else best + 1,
            "final_val_accuracy": _last(val),
            "final_loss": _last(h.epoch_loss),
            "final_val_loss": _last(h.val_loss),
            "final_train_loss": _last(h.train_loss),
            "final_train_accuracy": _last(h.train_accuracy),
            "seconds": float(sum(h.epoch_time)),
        }
        if target is not None:
            row["epochs_to_target"] = next(
                (e for e, v in enumerate(val, 1) if math.isfinite(v) and v >= target), None
            )
        rows.append(row)
    columns = [c for c in RUN_COLUMNS if c != "epochs_to_target" or target is not None]
    return ResultsTable(rows, columns)


def summarise(rows):
    """The rows of :func:`run_results` grouped by ``settings`` (every seed of a combination in
    one row), in the order each combination first appears.

    Each row: ``settings``, ``seeds`` (a list), ``runs`` (how many), ``status`` (how many runs
    ended how: "2 completed, 1 diverged"), and for each of
    :data:`SUMMARY_METRICS` its ``_mean`` and ``_std`` over the runs that have it (the sample
    standard deviation, ddof 1; 0.0 for one run; None for none). With a target, ``reached``
    counts the runs that reached it (``epochs_to_target`` is averaged over those).
    """
    rows = list(rows)
    groups = {}
    for row in rows:
        key = tuple((k, _describe(v)) for k, v in row["settings"].items())
        groups.setdefault(key, []).append(row)
    with_target = any("epochs_to_target" in r for r in rows)
    metrics = [m for m in SUMMARY_METRICS if m != "epochs_to_target" or with_target]
    out = []
    for members in groups.values():
        statuses = [m.get("status") for m in members]
        row = {
            "settings": dict(members[0]["settings"]),
            "seeds": [m["seed"] for m in members],
            "runs": len(members),
            "status": ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses)),
        }
        for m in metrics:
            values = _finite(r.get(m) for r in members)
            row[f"{m}_mean"] = float(np.mean(values)) if values else None
            row[f"{m}_std"] = (
                float(np.std(values, ddof=1)) if len(values) > 1 else 0.0 if values else None
            )
        if with_target:
            row["reached"] = sum(r.get("epochs_to_target") is not None for r in members)
        out.append(row)
    columns = [
        "settings",
        "seeds",
        "runs",
        "status",
        *(f"{m}_{s}" for m in metrics for s in ("mean", "std")),
        *(["reached"] if with_target else []),
    ]
    return ResultsTable(out, columns)


def _plain(value):
    """A setting as a plain value for a table: numbers, strings and lists stay; a function is
    its name."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) for v in value):
        return list(value)
    return _describe(value)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_describe(v)}" for k, v in value.items())
    if isinstance(value, list):
        return _describe(value) if all(isinstance(v, int) for v in value) else str(value)
    return str(value)


def _mean_std(mean, std):
    return "" if mean is None else f"{mean:.4g} ± {std:.2g}"


class ResultsTable:
    """Rows of results: a list of dicts, shown as a table.

    ``len(t)``, ``t[i]`` (a row dict), ``t["column"]`` (a list), iteration over rows,
    :meth:`to_dicts` (copies), :meth:`column`, :meth:`to_pandas`. In a notebook it shows as an
    HTML table; ``repr`` gives the same as text. The ``settings`` column (a dict) shows as one
    column per setting.
    """

    def __init__(self, rows, columns):
        self._rows = [dict(r) for r in rows]
        self.columns = list(columns)

    def __len__(self):
        return len(self._rows)

    def __iter__(self):
        return iter(self.to_dicts())

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.column(key)
        return dict(self._rows[key])

    def column(self, name):
        """The values of one column, a list (``KeyError`` naming the columns if unknown)."""
        if name not in self.columns:
            raise KeyError(f"no column {name!r}; the columns are {', '.join(self.columns)}")
        return [r.get(name) for r in self._rows]

    def to_dicts(self):
        """The rows as a list of new dicts (``settings`` copied too)."""
        return [
            {k: (dict(v) if isinstance(v, dict) else v) for k, v in r.items()} for r in self._rows
        ]

    def _flat(self):
        """(header, rows of cells): ``settings`` spread into one column per setting, a pair
        ``x_mean``, ``x_std`` shown as one column ``x`` of "mean ± std"."""
        setting_names = list(dict.fromkeys(k for r in self._rows for k in r.get("settings", {})))
        header, getters = [], []
        for c in self.columns:
            if c == "settings":
                for k in setting_names:
                    header.append(k)
                    getters.append(lambda r, k=k: _cell(r["settings"].get(k)))
            elif c.endswith("_std") and c[:-4] + "_mean" in self.columns:
                continue
            elif c.endswith("_mean") and c[:-5] + "_std" in self.columns:
                header.append(c[:-5])
                getters.append(lambda r, c=c: _mean_std(r.get(c), r.get(c[:-5] + "_std")))
            elif c == "seeds":
                header.append(c)
                getters.append(lambda r: ", ".join(map(str, r.get("seeds") or [])))
            else:
                header.append(c)
                getters.append(lambda r, c=c: _cell(r.get(c)))
        return header, [[get(r) for get in getters] for r in self._rows]

    def to_pandas(self):
        """A pandas DataFrame, settings as columns (ImportError when pandas is not installed)."""
        import pandas as pd

        records = []
        for r in self._rows:
            flat = {}
            for c in self.columns:
                if c == "settings":
                    for k, v in r["settings"].items():
                        flat[k if k not in self.columns else f"setting {k}"] = v
                else:
                    flat[c] = r.get(c)
            records.append(flat)
        return pd.DataFrame.from_records(records)

    def __repr__(self):
        header, cells = self._flat()
        if not cells:
            return f"<ResultsTable: no rows; columns {', '.join(header)}>"
        widths = [max(len(h), *(len(line[i]) for line in cells)) for i, h in enumerate(header)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells]
        return "\n".join(lines)

    def _repr_html_(self):
        header, cells = self._flat()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line) + "</tr>" for line in cells
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


#: What the page's results panel shows per run and per combination.
_PANEL_RUN_COLUMNS = (
    "label",
    "seed",
    "status",
    "epochs",
    "best_val_accuracy",
    "best_epoch",
    "final_val_loss",
    "final_train_accuracy",
    "seconds",
)


def panel_data(runs):
    """The results panel's data, plain JSON: ``{"settings": [names], "runs": [rows], "summary":
    [rows], "heatmap": ...}``; None for fewer than two runs. ``heatmap`` is given when exactly
    two settings vary (the seed apart): ``{"x": name, "y": name, "xs": [values as text], "ys":
    [...], "values": [[mean best validation accuracy, or None]] (one row per y)}``."""
    if len(runs) < 2:
        return None
    table = run_results(runs)
    rows = table.to_dicts()
    names = list(dict.fromkeys(k for r in rows for k in r["settings"]))
    summary = summarise(rows).to_dicts()

    def plain(row, columns):
        out = {c: row.get(c) for c in columns}
        out["settings"] = [_cell(row["settings"].get(k)) for k in names]
        return out

    data = {
        "settings": names,
        "runs": [plain(r, _PANEL_RUN_COLUMNS) for r in rows],
        "summary": [
            plain(r, ("seeds", "runs", "status", "best_val_accuracy_mean", "best_val_accuracy_std"))
            for r in summary
        ],
        "heatmap": None,
    }
    if len(names) == 2:
        x, y = names
        xs = list(dict.fromkeys(_cell(r["settings"].get(x)) for r in summary))
        ys = list(dict.fromkeys(_cell(r["settings"].get(y)) for r in summary))
        values = [[None] * len(xs) for _ in ys]
        for r in summary:
            i = ys.index(_cell(r["settings"].get(y)))
            j = xs.index(_cell(r["settings"].get(x)))
            values[i][j] = r["best_val_accuracy_mean"]
        data["heatmap"] = {"x": x, "y": y, "xs": xs, "ys": ys, "values": values}
    return data
