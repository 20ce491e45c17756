"""Shared fixtures: a micro config and a micro model (seconds to build)."""

import pytest
import torch

from demos.xray_report.config import XrayConfig, load_config
from demos.xray_report.data import LABELS
from demos.xray_report.model import ReportGenerator


@pytest.fixture
def micro_cfg() -> XrayConfig:
    return load_config("micro")


@pytest.fixture
def micro_model(micro_cfg: XrayConfig) -> ReportGenerator:
    torch.manual_seed(0)
    model = ReportGenerator(micro_cfg.model, 30, len(LABELS), 32, micro_cfg.data.max_len)
    return model.eval()
