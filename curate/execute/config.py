"""``executor:`` in the pipeline file, and the executor it names."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from curate.errors import needs_extra
from curate.execute.base import Executor
from curate.execute.local import LocalExecutor


class ExecutorConfig(BaseModel):
    """Where row-wise stage work runs; not part of any fingerprint, since every executor
    writes the same outputs."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["local", "ray"] = Field(
        "local", description="local: this process; ray: Ray Data tasks"
    )
    address: str | None = Field(
        None,
        description="ray: an existing cluster ('auto', or 'ray://head:10001'); "
        "unset starts a local Ray instance for the run",
    )
    num_cpus: int | None = Field(
        None, ge=1, description="ray without address: CPUs of the local instance"
    )


def executor_for(config: ExecutorConfig) -> Executor:
    """The executor ``config`` names; Ray missing is one line naming the extra."""
    if config.kind == "local":
        return LocalExecutor()
    with needs_extra("ray", "executor: ray"):
        import ray.data  # noqa: F401  (fail here, before any stage runs)
    from curate.execute.ray_data import RayExecutor

    return RayExecutor(config)
