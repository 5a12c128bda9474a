"""The ``[onboarding]`` section: the rules gate, the optional question and the welcome."""

from __future__ import annotations

import string
from datetime import timedelta

from pydantic import Field, field_validator, model_validator

from bot.config import check_locale
from bot.core.ids import Platform
from bot.core.settings import Duration, FeatureSettings


class OnboardingSettings(FeatureSettings):
    rules_gate: bool = True
    """New members can read but not post until they press "I accept the rules"."""
    accept_within: Duration = timedelta(minutes=30)
    """Members who have not accepted by then are removed (kicked, not banned)."""
    question: str = ""
    """Optional question asked on acceptance (stops bots); answered with buttons."""
    answers: list[str] = Field(default_factory=list)
    """Accepted answers to the question."""
    decoys: list[str] = Field(default_factory=list)
    """Wrong answers shown beside them."""
    welcome: dict[str, str] = Field(default_factory=dict)
    """Your own welcome per community ("platform:id") or per locale ("en"), with {name},
    {community} and {within} placeholders."""

    @field_validator("welcome")
    @classmethod
    def _welcome(cls, value: dict[str, str]) -> dict[str, str]:
        platforms = {p.value for p in Platform}
        for locale, template in value.items():
            if locale.partition(":")[0] not in platforms:
                check_locale(locale)  # else a community key: "telegram:-100123"
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            except ValueError as exc:
                raise ValueError(f"welcome.{locale}: {exc}") from None
            unknown = fields - {"name", "community", "within"}
            if unknown:
                raise ValueError(
                    f"welcome.{locale}: unknown placeholder(s) {sorted(unknown)};"
                    " use {name}, {community}, {within}"
                )
        return value

    @model_validator(mode="after")
    def _question_needs_answers(self) -> OnboardingSettings:
        if self.question and (not self.answers or not self.decoys):
            raise ValueError("a question needs at least one answer and one decoy")
        if len(self.answers) + len(self.decoys) > 8:
            raise ValueError("at most 8 answers and decoys together (they become buttons)")
        return self
