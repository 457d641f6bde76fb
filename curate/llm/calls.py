"""Ask many structured questions: cache first, then bounded concurrency (or one Message
Batch), schema validation with a few re-asks, and a budget that stops the run cleanly."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from curate.llm.cache import CallCache, cache_key
from curate.llm.config import BATCH_DISCOUNT, Prices
from curate.llm.provider import (
    Answer,
    CallFailed,
    LLMError,
    MalformedReply,
    Provider,
    Request,
    Usage,
)

T = TypeVar("T", bound=BaseModel)
Status = Literal["answered", "failed", "not_asked"]
EXPECTED_OUTPUT_TOKENS = 200  # a verdict's JSON; used for the estimate, not the budget


@dataclass
class Outcome(Generic[T]):
    """The fate of one request: a validated answer, a recorded failure, or not asked (budget)."""

    status: Status
    value: T | None = None
    error: str | None = None
    cached: bool = False
    transient: bool = False  # the service failed, not the request: asked again next run


@dataclass
class CallStats:
    """What the calls cost and how they went; goes into the stage's metrics."""

    requests: int = 0
    cache_hits: int = 0
    calls: int = 0
    failed: int = 0
    not_asked: int = 0
    usage: Usage = field(default_factory=Usage)
    estimated_input_tokens: int = 0
    estimated_usd: float | None = None
    spent_usd: float = 0.0


class Budget:
    """Reserves a call's worst case (input + max_tokens) before it is made, so that
    concurrent calls never overshoot ``limit``; settles the real cost after."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self.spent = 0.0
        self.reserved = 0.0
        self.stopped = False
        self._lock = threading.Lock()

    def reserve(self, amount: float) -> bool:
        with self._lock:
            if self.stopped:
                return False
            if self.limit is not None and self.spent + self.reserved + amount > self.limit:
                self.stopped = True  # stop here: no smaller call sneaks in after a refusal
                return False
            self.reserved += amount
            return True

    def settle(self, reserved: float, actual: float) -> None:
        with self._lock:
            self.reserved -= reserved
            self.spent += actual


def ask_all(
    provider: Provider,
    requests: dict[str, Request],
    answer_model: type[T],
    cache: CallCache,
    *,
    log: Callable[[str], None] = lambda _: None,
    done: Callable[[str], None] = lambda _: None,
) -> tuple[dict[str, Outcome[T]], CallStats]:
    """Outcomes by the caller's request id; every id gets one. ``done(id)`` after each."""
    return _Asker(provider, requests, answer_model, cache, log, done).run()


class _Asker(Generic[T]):
    def __init__(
        self,
        provider: Provider,
        requests: dict[str, Request],
        answer_model: type[T],
        cache: CallCache,
        log: Callable[[str], None],
        done: Callable[[str], None],
    ) -> None:
        self.provider, self.config = provider, provider.config
        self.answer_model, self.cache, self.log, self.done = answer_model, cache, log, done
        self.by_key: dict[str, Request] = {}
        self.ids_of: dict[str, list[str]] = {}  # identical prompts are asked once
        for rid, request in requests.items():
            key = cache_key(provider, request)
            self.by_key[key] = request
            self.ids_of.setdefault(key, []).append(rid)
        self.stats = CallStats(requests=len(requests))
        self.outcomes: dict[str, Outcome[T]] = {}
        prices = self.config.price()
        if prices is None and self.config.budget_usd is not None:
            raise LLMError(
                f"no price known for model {self.config.model}, so budget_usd cannot be kept",
                field="llm.prices",
                hint="add prices: {input_per_mtok: ..., output_per_mtok: ...} to the llm block",
            )
        self.prices = prices
        self.discount = BATCH_DISCOUNT if self.config.batch else 1.0
        self.budget = Budget(self.config.budget_usd)
        self.tokens_per_char = 0.25
        self.reserved: dict[str, float] = {}
        self.halted: str | None = None  # the first service failure; no new calls after it

    def run(self) -> tuple[dict[str, Outcome[T]], CallStats]:
        for key, raw in self.cache.get_many(list(self.by_key)).items():
            try:
                value = self.answer_model.model_validate(raw)
            except ValidationError:
                continue  # a stale row; ask again
            self._resolve(key, Outcome("answered", value, cached=True))
            self.stats.cache_hits += len(self.ids_of[key])
        missing = [k for k in self.by_key if k not in self.outcomes]
        if missing:
            self._estimate(missing)
            if self.config.batch:
                self._ask_in_batches(missing)
            else:
                self._ask_concurrently(missing)
        self.stats.spent_usd = round(self.budget.spent, 6)
        if self.halted is not None:
            raise self._halt_error()
        out: dict[str, Outcome[T]] = {}
        for key, outcome in self.outcomes.items():
            for rid in self.ids_of[key]:
                out[rid] = outcome
        return out, self.stats

    def _halt_error(self) -> LLMError:
        answered = sum(1 for o in self.outcomes.values() if o.status == "answered")
        left = len(self.by_key) - answered
        return LLMError(
            f"{self.provider.name}:{self.config.model} failed: {self.halted}; the run stops "
            f"with {answered} answers saved in workspace.db and {left} requests left",
            hint="fix the cause (key, server, rate limits) and run again: only the requests "
            "left are asked",
        )

    def _halt(self, failure: CallFailed) -> Outcome[T]:
        if failure.transient and self.halted is None:
            self.halted = str(failure)
        return Outcome("failed", error=str(failure), transient=failure.transient)

    # estimate and budget -----------------------------------------------------------------

    def _estimate(self, keys: list[str]) -> None:
        """Exact counts for a sample, scaled by characters to the rest."""
        sample = keys[: self.config.estimate_sample]
        try:
            counted = sum(self.provider.count_tokens(self.by_key[k]) for k in sample)
        except CallFailed as exc:
            self.log(f"token count failed ({exc}); estimating 4 characters per token")
            counted = 0
        chars = sum(self.by_key[k].chars() for k in sample)
        if counted and chars:
            self.tokens_per_char = counted / chars
        tokens = round(sum(self.by_key[k].chars() for k in keys) * self.tokens_per_char)
        self.stats.estimated_input_tokens = tokens
        cost_text = "cost unknown (no price for this model; set llm.prices)"
        if self.prices is not None:
            usd = self._usd(tokens, EXPECTED_OUTPUT_TOKENS * len(keys))
            self.stats.estimated_usd = round(usd, 4)
            cost_text = f"estimated ${usd:.4f}"
        budget = self.config.budget_usd
        cap = f" (budget ${budget:.2f})" if budget is not None else ""
        mode = "requests in Message Batches" if self.config.batch else "calls"
        self.log(
            f"{len(keys)} {mode} to {self.provider.name}:{self.config.model}, "
            f"~{tokens:,} input tokens, {cost_text}{cap}"
        )

    def _usd(self, input_tokens: int, output_tokens: int) -> float:
        prices = self.prices or Prices(input_per_mtok=0, output_per_mtok=0)
        usage = Usage(input_tokens=input_tokens, output_tokens=output_tokens)
        return usage.cost(prices) * self.discount

    def _worst_case(self, request: Request) -> float:
        return self._usd(round(request.chars() * self.tokens_per_char), request.max_tokens)

    def _cost(self, usage: Usage) -> float:
        if self.prices is None:
            return 0.0
        return usage.cost(self.prices, batch=self.config.batch)

    # answers -----------------------------------------------------------------------------

    def _check(self, answer: Answer) -> tuple[T | None, str | None]:
        try:
            return self.answer_model.model_validate(answer.data), None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "answer"
            return None, f"{where}: {first['msg']} ({exc.error_count()} problem(s))"

    def _resolve(self, key: str, outcome: Outcome[T]) -> None:
        self.outcomes[key] = outcome
        if outcome.status == "failed":
            self.stats.failed += len(self.ids_of[key])
        elif outcome.status == "not_asked":
            self.stats.not_asked += len(self.ids_of[key])
        for rid in self.ids_of[key]:
            self.done(rid)

    def _store(self, key: str, value: T, usage: Usage) -> None:
        tokens = (usage.input_tokens, usage.output_tokens)
        self.cache.put(key, self.provider, value, tokens, self._cost(usage))

    def _ask_one(self, key: str) -> tuple[Outcome[T], Usage]:
        """One request with up to ``validation_retries`` re-asks after a malformed answer."""
        request, spent, problem = self.by_key[key], Usage(), ""
        for _ in range(1 + self.config.validation_retries):
            if self.halted is not None:
                return Outcome("not_asked", error="stopped after a failure"), spent
            reserved = self._worst_case(request)
            if not self.budget.reserve(reserved):
                return Outcome("not_asked", error="budget reached"), spent
            try:
                answer = self.provider.complete(request)
            except MalformedReply as exc:
                # what an unreadable reply billed is unknown: count the worst case, so that
                # the budget is never overshot for want of a usage figure
                self.budget.settle(reserved, reserved)
                problem = str(exc)
                continue
            except CallFailed as exc:
                self.budget.settle(reserved, 0.0)
                return self._halt(exc), spent
            spent = spent + answer.usage
            self.budget.settle(reserved, self._cost(answer.usage))
            value, problem = self._check(answer)
            if value is not None:
                return Outcome("answered", value), spent
        tries = 1 + self.config.validation_retries
        return Outcome("failed", error=f"malformed answer {tries} times; last: {problem}"), spent

    def _ask_concurrently(self, keys: list[str]) -> None:
        with ThreadPoolExecutor(max_workers=self.config.max_concurrency) as pool:
            futures = {pool.submit(self._ask_one, key): key for key in keys}
            try:
                for future in as_completed(futures):
                    key = futures[future]
                    outcome, usage = future.result()
                    self._count(usage)
                    if outcome.status == "answered" and outcome.value is not None:
                        self._store(key, outcome.value, usage)  # committed per call
                    self._resolve(key, outcome)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    def _count(self, usage: Usage) -> None:
        self.stats.usage = self.stats.usage + usage
        if usage.input_tokens or usage.output_tokens:
            self.stats.calls += 1

    def _ask_in_batches(self, keys: list[str]) -> None:
        from curate.llm.anthropic_provider import MAX_BATCH_REQUESTS

        pending, problems = keys, {}
        for _ in range(1 + self.config.validation_retries):
            if self.halted is not None:
                break
            admitted = []
            for key in pending:
                amount = self._worst_case(self.by_key[key])
                if self.budget.reserve(amount):
                    admitted.append(key)
                    self.reserved[key] = amount
                else:
                    self._resolve(key, Outcome("not_asked", error="budget reached"))
            pending = []
            for start in range(0, len(admitted), MAX_BATCH_REQUESTS):
                chunk = admitted[start : start + MAX_BATCH_REQUESTS]
                pending += self._one_batch(chunk, problems)
            if not pending:
                break
        tries = 1 + self.config.validation_retries
        for key in pending:
            error = f"malformed answer {tries} times; last: {problems.get(key, '')}"
            self._resolve(key, Outcome("failed", error=error))

    def _one_batch(self, keys: list[str], problems: dict[str, str]) -> list[str]:
        """Submit (or pick up an open) batch for ``keys``; returns the keys to re-ask.
        Cache keys are 64 hex characters, so they serve as the batch's custom ids."""
        provider: Any = self.provider
        requests_hash = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()
        batch_id = self.cache.open_batch(provider, requests_hash)
        try:
            if batch_id is None:
                batch_id = provider.submit_batch({k: self.by_key[k] for k in keys})
                self.cache.record_batch(batch_id, provider, requests_hash)
                self.log(f"submitted Message Batch {batch_id} ({len(keys)} requests)")
            else:
                self.log(f"collecting Message Batch {batch_id} from an earlier, interrupted run")
            results = list(provider.batch_results(batch_id, self.by_key[keys[0]].schema_name))
        except CallFailed as exc:  # the batch stays open in workspace.db: a rerun collects it
            for key in keys:
                self.budget.settle(self.reserved.pop(key, 0.0), 0.0)
                self._resolve(key, self._halt(exc))
            return []
        wanted, retry = set(keys), []
        for key, result in results:
            if key not in wanted:
                continue
            wanted.discard(key)
            if isinstance(result, MalformedReply):
                amount = self.reserved.pop(key, 0.0)
                self.budget.settle(amount, amount)  # billed or not is unknown: the worst case
                problems[key] = str(result)
                retry.append(key)
                continue
            if isinstance(result, CallFailed):
                self.budget.settle(self.reserved.pop(key, 0.0), 0.0)
                self._resolve(key, self._halt(result))
                continue
            self._count(result.usage)
            self.budget.settle(self.reserved.pop(key, 0.0), self._cost(result.usage))
            value, problem = self._check(result)
            if value is None:
                problems[key] = problem or ""
                retry.append(key)
            else:
                self._store(key, value, result.usage)
                self._resolve(key, Outcome("answered", value))
        self.cache.close_batch(batch_id)
        for key in wanted:  # its result line was lost or unreadable: ask again
            self.budget.settle(self.reserved.pop(key, 0.0), 0.0)
            problems[key] = "missing from the batch results"
            retry.append(key)
        return retry
