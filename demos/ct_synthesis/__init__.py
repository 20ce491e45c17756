"""Text-conditioned chest CT synthesis with counterfactuals (DGM-VLC, arXiv 2410.13823).

A research and education demo on a SYNTHETIC cohort with known truth; not for clinical use.
Modules: ``data`` (procedural cohort), ``realdata`` (AIIB23-style NIfTI/DICOM), ``text`` (row to
prompt, frozen MiniLM), ``fusion`` (affine and cross-attention units), ``model``, ``train``,
``sample``, ``counterfactual``, ``evaluate``, ``figures``, ``pipeline``, ``benchmark``.
Run ``python -m demos.ct_synthesis --help``.
"""
