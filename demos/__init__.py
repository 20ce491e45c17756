"""Runnable PyTorch reference demos of MedGen Atlas (research and education, not clinical use)."""
