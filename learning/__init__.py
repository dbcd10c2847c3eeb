"""Trackeep learning app: learning paths of ordered modules, enrolment, progress, ratings."""
