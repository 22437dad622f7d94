"""The report is tested on the published warehouse of the reference cases."""

from tests.reference.pipeline import duellen, samverkan

__all__ = ["duellen", "samverkan"]
