"""Text-conditioned chest CT synthesis with counterfactuals (DGM-VLC, arXiv 2410.13823).

A research and education demo on a SYNTHETIC cohort with known truth; not for clinical use.
Modules: ``data`` (procedural cohort), ``cohort_files`` (the cohort on disk), ``realdata``
(AIIB23-style NIfTI/DICOM), ``text`` and ``text_encoder`` (row to prompt, frozen MiniLM),
``fusion`` (affine and cross-attention units), ``model``, ``train`` (step functions for
``demos.common.fit``), ``export`` (``model.safetensors``), ``sample``, ``counterfactual``,
``evaluate``, ``figures``, ``pipeline``, ``benchmark`` (see README.md).
Run ``python -m demos.ct_synthesis --help``.
"""
