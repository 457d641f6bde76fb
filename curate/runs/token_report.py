"""report.md's "Token budget" section, told from the (last) token_budget stage's metrics."""

from __future__ import annotations

from curate.runs.manifest import Manifest


def token_budget_section(manifest: Manifest) -> list[str]:
    """Distribution, assistant share, rows over the limit and the cost estimate; [] when the
    run had no token_budget stage."""
    stages = [s for s in manifest.stages if s.name == "token_budget"]
    if not stages:
        return []
    m = stages[-1].metrics
    limit = m.get("max_tokens")
    over = (
        f"**{m.get('rows_over_max', 0)}** rows over max_tokens {limit} (rejected as "
        "`length.too_many_tokens`)."
        if limit is not None
        else "No max_tokens set: nothing rejected for length."
    )
    price = float(m.get("price_per_million", 0))
    return [
        "",
        "## Token budget",
        "",
        f"Rendered through the chat template of `{m.get('tokenizer', '?')}`, tool definitions "
        "included.",
        "",
        "| p50 | p95 | max | assistant share |",
        "|---:|---:|---:|---:|",
        f"| {m.get('tokens_p50', 0)} | {m.get('tokens_p95', 0)} | {m.get('tokens_max', 0)} | "
        f"{float(m.get('assistant_token_share', 0)):.1%} |",
        "",
        over,
        "",
        f"Estimated training cost: {int(m.get('billed_tokens_per_epoch', 0)):,} billed tokens "
        f"per epoch x {m.get('epochs', '?')} epochs x ${price:g} per million = "
        f"**${float(m.get('estimated_cost', 0)):,.2f}** (OpenAI's data-prep rules; set "
        "`price_per_million` and `epochs` for your model).",
    ]
