"""What both demos truly share; each module is small, typed and tested in ``tests/demos/common/``.

- :mod:`~demos.common.config`: typed dataclass configs, TOML presets, ``--set key=value``.
- :mod:`~demos.common.runtime`: :class:`RuntimeConfig` (the ``runtime`` section of both configs),
  device, seeding, bf16 autocast, threads, ``torch.compile``, ``count_parameters``.
- :mod:`~demos.common.distributed`: DDP under ``torchrun``.
- :mod:`~demos.common.session`: one run's setup and teardown (:func:`start_session`).
- :mod:`~demos.common.fit`: the training loop both demos call with their step functions, and the
  warm-up + cosine LR schedule.
- :mod:`~demos.common.checkpoint`: the one checkpoint layout and its loader.
- :mod:`~demos.common.ema`, :mod:`~demos.common.progress`: EMA weights; progress bar, JSONL log.
- :mod:`~demos.common.errors`, :mod:`~demos.common.cli`: the error family and the CLI mapping.
- :mod:`~demos.common.minilm`: where the packaged MiniLM files are.

Nothing here imports a demo package (``tests/demos/test_imports.py`` checks it).
"""
