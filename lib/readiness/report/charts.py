"""Report charts: matplotlib figures returned as embedded PNG HTML.

Every chart has a title and labelled axes and tells its series apart by hatching and grey level as well as
colour, so it still reads when the PDF is printed in black and white. Figures are built on `Figure` objects
(no pyplot state), so nothing leaks between charts or into the notebook's own display.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

# One style per verdict: colour for screens, grey level + hatch for paper.
VERDICT_STYLE = {
    "direct": {"color": "#d8ead3", "hatch": "", "label": "Direct"},
    "rethink": {"color": "#e9b949", "hatch": "..", "label": "Rethink"},
    "manual": {"color": "#9b2226", "hatch": "////", "label": "Manual"},
    "retire": {"color": "#ffffff", "hatch": "xx", "label": "Retire"},
}
EDGE = "#222222"
DPI = 150


def _label(text) -> str:
    """Export text as a plain chart label: a `$` would otherwise switch matplotlib into mathtext (and can fail)."""
    return str(text).replace("$", r"\$")


def _new_figure(width: float = 7.0, height: float = 3.0) -> Figure:
    """A figure sized in inches for an A4 text column (about 17 cm wide)."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.set_layout_engine("constrained")
    return fig


def _style_axes(ax) -> None:
    """Quiet axes: no top/right spines, light grid behind the bars."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.tick_params(labelsize=8)


def _legend_below(fig: Figure, ax, handles=None) -> None:
    """One-row legend under the plot, clear of the title and the bars."""
    if handles is None:
        handles, _ = ax.get_legend_handles_labels()
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=7, frameon=False)


def png_base64(fig: Figure, dpi: int = DPI) -> str:
    """`fig` as a base64 PNG on white, for embedding in self-contained HTML."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figure_html(fig: Figure, alt: str, caption: str = "") -> str:
    """Render `fig` as a base64 PNG inside a <figure>; the alt text and caption are HTML-escaped."""
    data = png_base64(fig)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">'
            f"{cap}</figure>")


def _stacked_barh(ax, frame: pd.DataFrame, styles: dict, labels_inside: bool = True) -> None:
    """Horizontal stacked bars, one row per index entry, one segment per column of `frame`."""
    y = np.arange(len(frame))
    left = np.zeros(len(frame))
    longest = frame.to_numpy().sum(axis=1).max()  # a segment narrower than 6 % of the longest bar gets no label
    for col in frame.columns:
        vals = frame[col].to_numpy(dtype=float)
        st = styles[col]
        ax.barh(y, vals, left=left, color=st["color"], hatch=st["hatch"], edgecolor=EDGE, linewidth=0.6,
                label=st["label"], height=0.62)
        if labels_inside:
            for yi, (lv, v) in enumerate(zip(left, vals)):
                if v >= longest * 0.06:
                    ax.text(lv + v / 2, yi, f"{int(round(v))}", ha="center", va="center", fontsize=7,
                            color="black", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                                 "alpha": 0.85})
        left += vals
    ax.set_yticks(y, [_label(v) for v in frame.index])
    ax.invert_yaxis()


def contract_verdicts(crosstab: pd.DataFrame, title: str = "Contracts by type and HaloPSA verdict") -> Figure:
    """Stacked bars: one row per Autotask contract type, segments per verdict (counts of contracts)."""
    cols = [c for c in VERDICT_STYLE if c in crosstab.columns]
    frame = crosstab[cols].astype(float)
    fig = _new_figure(7.0, 0.32 * len(frame) + 1.4)
    ax = fig.add_subplot()
    _stacked_barh(ax, frame, VERDICT_STYLE)
    ax.set_xlim(0, max(float(frame.to_numpy().sum(axis=1).max()), 1.0) * 1.08)
    ax.set_xlabel("Contracts", fontsize=8)
    ax.set_ylabel("Autotask contract type", fontsize=8)
    ax.set_title(title, fontsize=10, loc="left", fontweight="bold")
    ax.xaxis.get_major_locator().set_params(integer=True)
    _style_axes(ax)
    _legend_below(fig, ax)
    return fig


AGE_BINS = [(-1, 30, "< 30 days"), (30, 90, "30–90 days"), (90, 180, "90–180 days"), (180, 365, "180–365 days"),
            (365, 10**7, "> 1 year")]


def automation_age(days: pd.Series, active: pd.Series, stale_days: int = 180,
                   title: str = "Workflow rules by time since last trigger") -> Figure:
    """Bars of rule counts per age bucket, active and inactive rules stacked; `days` NaN = never triggered.

    days: days since last trigger per rule (float, NaN when unknown); active: boolean per rule.
    """
    labels = [b[2] for b in AGE_BINS] + ["never / unknown"]
    d = pd.to_numeric(days, errors="coerce")
    bucket = pd.cut(d, bins=[b[0] for b in AGE_BINS] + [AGE_BINS[-1][1]], labels=[b[2] for b in AGE_BINS])
    bucket = bucket.cat.add_categories(["never / unknown"]).fillna("never / unknown")
    act = active.fillna(False).astype(bool).to_numpy()
    on = bucket[act].value_counts().reindex(labels, fill_value=0)
    off = bucket[~act].value_counts().reindex(labels, fill_value=0)
    fig = _new_figure(7.0, 2.8)
    ax = fig.add_subplot()
    x = np.arange(len(labels))
    ax.bar(x, on.to_numpy(), color="#6c757d", edgecolor=EDGE, linewidth=0.6, label="Active rules", width=0.6)
    ax.bar(x, off.to_numpy(), bottom=on.to_numpy(), color="#ffffff", hatch="////", edgecolor=EDGE, linewidth=0.6,
           label="Inactive rules", width=0.6)
    ax.set_ylim(0, max(float((on + off).max()), 1.0) * 1.18)  # room for the count labels under the title
    for xi, tot in zip(x, (on + off).to_numpy()):
        if tot:
            ax.text(xi, tot, str(int(tot)), ha="center", va="bottom", fontsize=7)
    # Mark where "stale" starts so the reader sees which bars are retire candidates.
    first_stale = next((i for i, b in enumerate(AGE_BINS) if b[0] >= stale_days), len(AGE_BINS))
    ax.axvline(first_stale - 0.5, color=EDGE, linestyle="--", linewidth=0.8)
    ax.text(first_stale - 0.45, ax.get_ylim()[1] * 0.95, f"stale (> {stale_days} days)", fontsize=7, va="top")
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_xlabel("Time since the rule last fired", fontsize=8)
    ax.set_ylabel("Workflow rules", fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, fontsize=10, loc="left", fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    _legend_below(fig, ax)
    return fig


def _low_high_bars(ax, phases: pd.DataFrame, start: np.ndarray):
    """Per phase a solid bar from `start` over its low estimate and a hatched one on to its high estimate, each
    labelled "low–high wk"; returns (y positions, low, high)."""
    y = np.arange(len(phases))
    low = phases["low"].astype(float).to_numpy()
    high = phases["high"].astype(float).to_numpy()
    ax.barh(y, low, left=start, color="#6c757d", edgecolor=EDGE, linewidth=0.6, height=0.55)
    ax.barh(y, high - low, left=start + low, color="#ffffff", hatch="////", edgecolor=EDGE, linewidth=0.6,
            height=0.55)
    for yi, (s0, lo, hi) in enumerate(zip(start, low, high)):
        ax.text(s0 + hi + 0.12, yi, f"{_num(lo)}–{_num(hi)} wk" if hi != lo else f"{_num(lo)} wk", va="center",
                fontsize=7)
    return y, low, high


def _low_high_legend(fig: Figure, ax) -> None:
    _legend_below(fig, ax, handles=[
        Patch(facecolor="#6c757d", edgecolor=EDGE, label="Low estimate"),
        Patch(facecolor="#ffffff", hatch="////", edgecolor=EDGE, label="Range up to the high estimate")])


def effort_phases(phases: pd.DataFrame, title: str = "Effort by phase (weeks, low–high)") -> Figure:
    """Per phase a solid bar to the low estimate and a hatched extension to the high one.

    phases: columns phase (label), low, high (weeks, floats), in project order.
    """
    fig = _new_figure(7.0, 0.34 * len(phases) + 1.3)
    ax = fig.add_subplot()
    y, low, high = _low_high_bars(ax, phases, np.zeros(len(phases)))
    ax.set_yticks(y, [_label(v) for v in phases["phase"]])
    ax.invert_yaxis()
    ax.set_xlim(0, max(float(high.max()) if len(high) else 1.0, 1.0) * 1.25)
    ax.set_xlabel("Weeks", fontsize=8)
    ax.set_ylabel("Project phase", fontsize=8)
    ax.set_title(title, fontsize=10, loc="left", fontweight="bold")
    _style_axes(ax)
    _low_high_legend(fig, ax)
    return fig


def _num(x: float) -> str:
    """1.0 -> '1', 1.5 -> '1.5'."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


# What happens to each kind of record in the move: page one's overview.
FATE_STYLE = {
    "native": {"color": "#d8ead3", "hatch": "", "label": "Moves across (import or reconnect)"},
    "rebuild": {"color": "#e9b949", "hatch": "..", "label": "Rebuilt or rethought by hand"},
    "retire": {"color": "#ffffff", "hatch": "xx", "label": "Retired (not migrated)"},
}


def migration_overview(overview: pd.DataFrame, title: str = "") -> Figure:
    """Per kind of record a 100 % bar split into moves / rebuilt / retired, each part labelled with its count.

    overview: index = kind label, columns native, rebuild, retire (counts), in display order.
    """
    fig = _new_figure(7.0, 0.15 * len(overview) + 0.62)
    ax = fig.add_subplot()
    y = np.arange(len(overview))
    totals = overview[list(FATE_STYLE)].sum(axis=1).replace(0, 1).astype(float).to_numpy()
    left = np.zeros(len(overview))
    for fate, style in FATE_STYLE.items():
        counts = overview[fate].astype(float).to_numpy()
        share = counts / totals * 100
        ax.barh(y, share, left=left, color=style["color"], hatch=style["hatch"], edgecolor=EDGE, linewidth=0.6,
                height=0.6, label=style["label"])
        for yi, (lo, w, n) in enumerate(zip(left, share, counts)):
            if n and w >= 7:
                ax.text(lo + w / 2, yi, f"{int(n):,}", ha="center", va="center", fontsize=7,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85})
        left += share
    ax.set_yticks(y, [_label(v) for v in overview.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of the records of each kind (%)", fontsize=7)
    if title:
        ax.set_title(title, fontsize=10, loc="left", fontweight="bold")
    _style_axes(ax)
    _legend_below(fig, ax)
    return fig


def timeline(phases: pd.DataFrame, title: str = "") -> Figure:
    """Gantt-style chart: phases one after another, each a solid bar for its low estimate and a hatched tail to
    its high one; dashed lines mark the earliest and latest end of the whole project.

    phases: columns phase, low, high (weeks), in project order. A phase starts when the one before ends on the
    low estimate, so the tails show how far each phase can stretch.
    """
    fig = _new_figure(7.0, 0.15 * len(phases) + 0.6)
    ax = fig.add_subplot()
    low = phases["low"].astype(float).to_numpy()
    y, low, high = _low_high_bars(ax, phases, np.concatenate([[0.0], np.cumsum(low)[:-1]]))
    end_low, end_high = float(low.sum()), float(high.sum())
    for x in (end_low, end_high):
        ax.axvline(x, color=EDGE, linestyle="--", linewidth=0.7)
    ax.set_yticks(y, [_label(v) for v in phases["phase"]])
    ax.set_ylim(len(phases) - 0.4, -0.6)
    ax.set_xlim(0, max(end_high + float(high.max() if len(high) else 0) * 0.3, 1.0) * 1.08)
    ax.set_xlabel("Week", fontsize=7)
    if title:
        ax.set_title(title, fontsize=10, loc="left", fontweight="bold")
    _style_axes(ax)
    _low_high_legend(fig, ax)
    return fig
