"""Synthetic demo landing: every source kind of source-formats.md, warts and planted defects.

Run ``python -m pipelines.demo --participants N --seed S --out DIR``. Same seed, same bytes.
"""
