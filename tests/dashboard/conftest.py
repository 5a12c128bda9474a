"""Every dashboard test runs the example config with the dashboard on a free port."""

from __future__ import annotations

import pytest

from bot.config import Config
from cogs.dashboard import Dashboard


@pytest.fixture
def example_config(example_config: Config) -> Config:
    features = example_config.features.model_copy(
        update={"enabled": [*example_config.features.enabled, "dashboard"]}
    )
    settings = Dashboard.settings_from(example_config).updated(listen="127.0.0.1:0")
    return example_config.with_section("dashboard", settings).model_copy(
        update={"features": features}
    )
