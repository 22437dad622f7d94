"""The reference cases, built and run through the pipeline once per session."""

from tests.reference.pipeline import duellen, samverkan

__all__ = ["duellen", "samverkan"]
