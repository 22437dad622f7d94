"""The reference cases, built and run through the pipeline once per session."""

from tests.reference.pipeline import duellen, follow_up, samverkan

__all__ = ["duellen", "follow_up", "samverkan"]
