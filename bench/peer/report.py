"""The side-by-side table of `make bench-peer` and the issue's targets, met or not."""

from __future__ import annotations

Found = dict[tuple[str, str], dict[str, float]]


def _wagtail(found: Found, name: str) -> tuple[float | None, float | None]:
    """Wagtail's v2 and v3 requests/s for a scenario; a cached scenario has no Wagtail run of
    its own (stock Wagtail caches no API response), so it reads the uncached one."""
    source = name.replace(", cached", ", uncached")
    if name == "floor":
        rps = found[("floor", "Wagtail")]["rps"]
        return rps, rps
    pair = tuple(found.get((source, column), {}).get("rps") for column in ("v2", "v3"))
    return pair[0], pair[1]


def _ratio(found: Found, name: str) -> float | None:
    v2, v3 = _wagtail(found, name)
    best = max((v for v in (v2, v3) if v), default=None)
    return found[(name, "Folio")]["rps"] / best if best else None


def _fmt(value: float | None, pattern: str = "{:,.0f}") -> str:
    return "—" if value is None else pattern.format(value)


def targets(found: Found, names: list[str]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each of the issue's targets."""
    folio = {name: found[(name, "Folio")]["rps"] for name in names}
    floor = folio["floor"]
    wagtail_floor = found[("floor", "Wagtail")]["rps"]
    deep = next(name for name in names if name.endswith("offset / page number"))
    ratio = {name: _ratio(found, name) for name in names}
    return [
        (
            "Folio's floor ≥ Wagtail's floor",
            f"{floor:,.0f} vs {wagtail_floor:,.0f}",
            floor >= wagtail_floor,
        ),
        (
            "uncached list ≥ 15x Wagtail",
            f"{ratio['list 20, uncached']:.1f}x",
            ratio["list 20, uncached"] >= 15,
        ),
        (
            "uncached detail ≥ 10x Wagtail",
            f"{ratio['detail, uncached']:.1f}x",
            ratio["detail, uncached"] >= 10,
        ),
        (
            "cached list ≥ 30x Wagtail",
            f"{ratio['list 20, cached']:.1f}x",
            ratio["list 20, cached"] >= 30,
        ),
        (
            "cached list ≥ 100% of Folio's floor",
            f"{folio['list 20, cached'] / floor:.0%}",
            folio["list 20, cached"] >= floor,
        ),
        (
            "page-number page at 9,000 within 50% of the first page",
            f"{folio[deep] / folio['list 20, uncached']:.0%} of the first page",
            folio[deep] >= 0.5 * folio["list 20, uncached"],
        ),
    ]


def report(found: Found, names: list[str], header: str) -> str:
    lines = [
        header,
        "",
        "| scenario | Folio req/s | Folio p99 ms | Wagtail v2 req/s | Wagtail v3 req/s "
        "| Wagtail p99 ms (faster) | Folio / faster Wagtail | bytes Folio / v2 / v3 "
        "| errors Folio / Wagtail |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        mine = found[(name, "Folio")]
        v2, v3 = _wagtail(found, name)
        source = name.replace(", cached", ", uncached")
        faster = "v2" if (v2 or 0) >= (v3 or 0) else "v3"
        theirs = found.get((source, "Wagtail" if name == "floor" else faster))
        sizes = [mine["bytes"]] + [found.get((source, c), {}).get("bytes") for c in ("v2", "v3")]
        columns = ("Wagtail",) if name == "floor" else ("v2", "v3")
        errors = " / ".join(
            [f"{mine['errors']:.0f}"]
            + [_fmt(found.get((source, c), {}).get("errors"), "{:.0f}") for c in columns]
        )
        lines.append(
            f"| {name} | {mine['rps']:,.0f} | {mine['p99']:.1f} | {_fmt(v2)} | "
            f"{_fmt(None if name == 'floor' else v3)} | {_fmt(theirs and theirs['p99'], '{:.1f}')} "
            f"| {_fmt(_ratio(found, name), '{:.1f}x')} | "
            f"{' / '.join(_fmt(s, '{:.0f}') for s in sizes)} | {errors} |"
        )
    lines += ["", "| target (issue 19) | measured | |", "|---|---|---|"]
    for target, measured, met in targets(found, names):
        lines.append(f"| {target} | {measured} | {'met' if met else '**not met**'} |")
    lines.append(
        "\nWagtail has no cursor pagination, and stock Wagtail caches no API response: its "
        "uncached figures stand for the cached rows."
    )
    return "\n".join(lines)
