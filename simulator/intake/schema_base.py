"""The pydantic base of every scenario schema (its own module, so that the scenario
loader and the sector settings both import it without importing each other)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Base of every scenario schema: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", strict=False, validate_default=True)
