"""Chest X-ray report generation demo (synthetic cohort; research and education only).

An image encoder and a transformer decoder with cross-attention over image features write a
free-text report; an auxiliary finding classifier prompts the decoder. See ``MODEL_CARD.md``.
"""
